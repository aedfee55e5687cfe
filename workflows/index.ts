export { legalityReview } from './review';
export { recordKeeper } from './record-keeper';
export { documentAfterReview } from './filing';
