export { UnsupportedClusterError } from './route-errors.js';
