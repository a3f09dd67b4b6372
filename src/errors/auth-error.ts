export { AuthError } from './atlas-errors.js';
