export { legalityReview } from './review';
export { reviewWorkflow } from './legacy/review';
