export { AtlasConnectionError } from './atlas-errors.js';
