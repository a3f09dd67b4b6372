export { SunsetError } from './route-errors.js';
