export { reviewWorkflow } from './review';
