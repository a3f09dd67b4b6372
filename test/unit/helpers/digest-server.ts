import { randomBytes } from 'node:crypto';
import { computeDigestResponse, parseDigestAuthorization, type DigestAlgorithm } from '../../../src/auth/digest.js';
import { sendJson, startServer, type RecordedRequest, type TestServer } from './http-server.js';

/** How the digest server behaves; tests may change it between requests. */
export interface DigestServerBehavior {
  /** Answer this many of the next correctly signed requests with `stale=true` and a new nonce (`Infinity`: all). */
  staleNext: number;
  /** Refuse this many of the next correctly signed requests as if the signature were wrong. */
  refuseNext: number;
  /** Challenge with the latest nonce again instead of issuing a new one, as some servers do. */
  reuseNonce: boolean;
}

/** A server that protects every path with RFC 7616 Digest, verified with `src/auth/digest.ts`. */
export interface DigestServer extends TestServer {
  readonly behavior: DigestServerBehavior;
  /** Every 401 challenge sent, in order. */
  readonly challenges: Array<{ nonce: string; stale: boolean }>;
  /** Nonce counts accepted, per nonce, in arrival order. */
  readonly acceptedNc: Map<string, number[]>;
  /** Makes every nonce issued so far stale, as if it had expired. */
  expireNonces(): void;
}

const REALM = 'test@atlas';

/**
 * Starts a digest-protected server. A request without valid credentials gets a fresh
 * challenge; right credentials on an expired nonce get `stale=true`; a nonce count used
 * before with the same nonce is a replay and refused. Success echoes method, url and body.
 */
export async function startDigestServer(options: { username: string; password: string; algorithm?: DigestAlgorithm }): Promise<DigestServer> {
  const algorithm = options.algorithm ?? 'MD5';
  const behavior: DigestServerBehavior = { staleNext: 0, refuseNext: 0, reuseNonce: false };
  const challenges: Array<{ nonce: string; stale: boolean }> = [];
  const acceptedNc = new Map<string, number[]>();
  const live = new Set<string>();

  let latest: string | undefined;
  const challenge = (stale: boolean): Record<string, string> => {
    const reuse = behavior.reuseNonce && latest !== undefined && live.has(latest);
    const nonce = reuse && latest !== undefined ? latest : randomBytes(12).toString('base64');
    if (!reuse) {
      live.add(nonce);
      acceptedNc.set(nonce, []);
    }
    latest = nonce;
    challenges.push({ nonce, stale });
    return {
      'www-authenticate': `Digest realm="${REALM}", nonce="${nonce}", opaque="op-${nonce.length}", algorithm=${algorithm}, qop="auth", stale=${stale}`,
    };
  };

  const verify = (req: RecordedRequest): 'ok' | 'stale' | 'refused' => {
    const header = req.headers.authorization;
    const p = parseDigestAuthorization(header);
    if (p === undefined) return 'refused';
    const { username, realm, nonce, uri, response, nc, cnonce, qop } = p;
    if (username !== options.username || realm !== REALM || p.algorithm !== algorithm) return 'refused';
    if (nonce === undefined || uri !== req.url || qop !== 'auth' || nc === undefined || !/^[0-9a-f]{8}$/.test(nc)) return 'refused';
    if (p.opaque !== `op-${nonce.length}`) return 'refused';
    const expected = computeDigestResponse({
      algorithm,
      username: options.username,
      password: options.password,
      realm: REALM,
      nonce,
      method: req.method,
      uri,
      qop: 'auth',
      nc,
      cnonce,
    });
    if (response !== expected) return 'refused';
    if (!live.has(nonce)) return 'stale';
    if (behavior.refuseNext > 0) {
      behavior.refuseNext -= 1;
      return 'refused';
    }
    if (behavior.staleNext > 0) {
      behavior.staleNext -= 1;
      return 'stale';
    }
    const seen = acceptedNc.get(nonce) ?? [];
    const count = Number.parseInt(nc, 16);
    if (seen.includes(count)) return 'refused';
    seen.push(count);
    return 'ok';
  };

  const server = await startServer((req, res) => {
    const verdict = verify(req);
    if (verdict === 'ok') sendJson(res, 200, { method: req.method, url: req.url, body: req.body });
    else sendJson(res, 401, { error: 'unauthorized' }, challenge(verdict === 'stale'));
  });
  return { ...server, behavior, challenges, acceptedNc, expireNonces: () => live.clear() };
}
