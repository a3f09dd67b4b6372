export { headerEntries, type RequestHeaders } from './headers.js';
