// An "existing codebase"'s Atlas Admin API client: one axios instance for the whole
// application, with HTTP Digest authentication done the way many codebases did it, by a
// response interceptor that answers Atlas's 401 challenge and sends the request again.
// Nothing here knows about atlas-snapshot-shim: see README.md.
import { createHash, randomBytes } from 'node:crypto';
import axios from 'axios';

const md5 = (text) => createHash('md5').update(text).digest('hex');

/** The parameters of a `WWW-Authenticate: Digest …` challenge, names in lower case. */
function challengeParameters(header) {
  const parameters = {};
  for (const [, name, quoted, bare] of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) parameters[name.toLowerCase()] = quoted ?? bare;
  return parameters;
}

/**
 * An axios instance for the Atlas Admin API v2, signed with a programmatic API key.
 *
 * @param {object} input
 * @param {string} [input.baseUrl] Atlas origin. Default 'https://cloud.mongodb.com'.
 * @param {string} input.publicKey The API key's public key (the digest user name).
 * @param {string} input.privateKey The API key's private key (the digest password).
 * @param {number} [input.timeoutMs] Per request. Default 30 000.
 * @returns {import('axios').AxiosInstance}
 */
export function createAtlasApi({ baseUrl = 'https://cloud.mongodb.com', publicKey, privateKey, timeoutMs = 30_000 }) {
  const api = axios.create({ baseURL: `${baseUrl}/api/atlas/v2`, timeout: timeoutMs });

  // Atlas answers an unsigned request with 401 and a fresh nonce; sign it and send it again, once.
  api.interceptors.response.use(undefined, async (error) => {
    const { config, response } = error;
    const challenge = response?.headers['www-authenticate'];
    if (response?.status !== 401 || config === undefined || config._digestRetry || !/^Digest\s/i.test(challenge ?? '')) throw error;
    config._digestRetry = true;
    const { realm, nonce, qop } = challengeParameters(challenge);
    if (qop === undefined || !qop.split(',').includes('auth')) throw error;
    const url = new URL(api.getUri(config));
    const uri = url.pathname + url.search;
    const nc = '00000001';
    const cnonce = randomBytes(8).toString('hex');
    const ha1 = md5(`${publicKey}:${realm}:${privateKey}`);
    const ha2 = md5(`${config.method.toUpperCase()}:${uri}`);
    const signature = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    config.headers.Authorization =
      `Digest username="${publicKey}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
      `qop=auth, nc=${nc}, cnonce="${cnonce}", response="${signature}", algorithm=MD5`;
    return api.request(config);
  });

  return api;
}
