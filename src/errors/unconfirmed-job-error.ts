export { UnconfirmedJobError } from './atlas-errors.js';
