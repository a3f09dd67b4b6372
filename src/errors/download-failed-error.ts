export { DownloadFailedError, type FailedJob } from './download-errors.js';
