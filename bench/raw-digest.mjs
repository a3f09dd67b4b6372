// The hand-written baseline of the facade and digest benchmarks: what a careful developer
// would write without the shim. One undici Agent (keep-alive, one pool per origin), a
// minimal RFC 7616 digest (MD5 or SHA-256, qop=auth) that fetches one challenge and then
// signs every request preemptively with the warm nonce and a rising nonce count, and the
// JSON body parsed once. No validation, no model, no route decision, no retries.
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'undici';

const HASHES = { MD5: 'md5', 'SHA-256': 'sha256' };

function parseChallenge(header) {
  const value = Array.isArray(header) ? header[0] : header;
  const params = {};
  for (const [, key, quoted, bare] of value.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]*))/g)) params[key.toLowerCase()] = quoted ?? bare;
  return { realm: params.realm, nonce: params.nonce, opaque: params.opaque, algorithm: params.algorithm ?? 'MD5' };
}

/**
 * @param {{ origin: string, publicKey: string, privateKey: string }} options
 * @returns {{ post(path: string, mediaType: string, body: object): Promise<object>, close(): Promise<void> }}
 */
export function createRawDigestClient({ origin, publicKey, privateKey }) {
  const agent = new Agent();
  let challenge;
  let nc = 0;
  const hash = (data) => createHash(HASHES[challenge.algorithm]).update(data).digest('hex');

  function authorization(method, uri) {
    nc += 1;
    const count = nc.toString(16).padStart(8, '0');
    const cnonce = randomBytes(16).toString('hex');
    const ha1 = hash(`${publicKey}:${challenge.realm}:${privateKey}`);
    const ha2 = hash(`${method}:${uri}`);
    const response = hash(`${ha1}:${challenge.nonce}:${count}:${cnonce}:auth:${ha2}`);
    const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
    return `Digest username="${publicKey}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", algorithm=${challenge.algorithm}, response="${response}", qop=auth, nc=${count}, cnonce="${cnonce}"${opaque}`;
  }

  async function send(path, mediaType, payload, signed) {
    const headers = { accept: mediaType, 'content-type': mediaType };
    if (signed) headers.authorization = authorization('POST', path);
    return agent.request({ origin, path, method: 'POST', headers, body: payload });
  }

  return {
    async post(path, mediaType, body) {
      const payload = JSON.stringify(body);
      let response = await send(path, mediaType, payload, challenge !== undefined);
      if (response.statusCode === 401) {
        // The first call (or an expired nonce) pays one challenge; every later call reuses it.
        challenge = parseChallenge(response.headers['www-authenticate']);
        nc = 0;
        await response.body.dump();
        response = await send(path, mediaType, payload, true);
      }
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`raw POST ${path}: HTTP ${response.statusCode} ${text}`);
      return JSON.parse(text);
    },
    close: () => agent.close(),
  };
}
