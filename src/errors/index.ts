export { ShimError } from './shim-error.js';
export { ValidationError } from './validation-error.js';
export { AtlasApiError, type AtlasApiErrorInit, type AtlasRequestInfo } from './atlas-api-error.js';
export { AtlasResponseError } from './response-error.js';
export { AuthError } from './auth-error.js';
export { SunsetError } from './sunset-error.js';
export { UnsupportedClusterError } from './unsupported-cluster-error.js';
