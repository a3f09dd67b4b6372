export { AtlasApiError, type AtlasApiErrorInit, type AtlasRequestInfo } from './atlas-errors.js';
