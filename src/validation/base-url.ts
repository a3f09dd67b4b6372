export { isAtlasOrigin, MAX_BASE_URL_LENGTH, MAX_HOST_LABEL_LENGTH, MAX_HOST_NAME_LENGTH } from '../validation.js';
