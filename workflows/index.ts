export { legalityReview } from './review';
export { exchangeTopic } from './topic';
export { sharedGuideline } from './guideline';
