export { isLoopbackHost } from '../validation.js';
