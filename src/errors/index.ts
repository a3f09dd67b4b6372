export { ShimError, ValidationError } from './shim-error.js';
export {
  AtlasApiError,
  AtlasConnectionError,
  AtlasResponseError,
  AuthError,
  TimeoutError,
  UnconfirmedJobError,
  type AtlasApiErrorInit,
  type AtlasRequestInfo,
} from './atlas-errors.js';
export { SunsetError, UnsupportedClusterError } from './route-errors.js';
export { DownloadFailedError, SnapshotTransferError, type FailedJob } from './download-errors.js';
