export { describeValue } from '../validation.js';
