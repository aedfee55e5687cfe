export { legalityReview } from './review';
export { recordKeeper } from './record-keeper';
export { documentAfterReview } from './filing';
export { exchangeTopic } from './topic';
export { sharedGuideline } from './guideline';
export { calendarRedating } from './calendar-redating';
