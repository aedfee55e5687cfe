export { legalityReview } from './review';
