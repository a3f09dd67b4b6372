export { AtlasResponseError } from './atlas-errors.js';
