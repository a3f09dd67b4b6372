export { ValidationError } from './shim-error.js';
