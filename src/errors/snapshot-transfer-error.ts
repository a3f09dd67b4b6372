export { SnapshotTransferError } from './download-errors.js';
