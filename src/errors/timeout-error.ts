export { TimeoutError } from './atlas-errors.js';
