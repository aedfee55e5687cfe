export { legalityReview } from './review';
export { documentAfterReview } from './filing';
