import { createHash } from 'node:crypto';

/**
 * HTTP Digest (RFC 7616) as pure functions: parse a challenge, compute a response,
 * format and parse an `Authorization` header. No I/O and no state; the digest
 * interceptor and the simulator's verifier are both built on these.
 */

/** Digest algorithms this library speaks, as RFC 7616 names them. */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

/** A parsed `WWW-Authenticate: Digest …` challenge. */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string | undefined;
  /** Defaults to MD5 when the server names none (RFC 7616 §3.3). */
  readonly algorithm: DigestAlgorithm;
  /** The qop values offered; this library uses `auth`. Empty when the server offers none (RFC 2069 style). */
  readonly qop: readonly string[];
  /** True when the server says the nonce is stale but the credentials were right: retry with the new nonce. */
  readonly stale: boolean;
}

/** Everything that goes into one digest response. */
export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  /** `auth`, or undefined for the legacy RFC 2069 form. */
  readonly qop?: 'auth' | undefined;
  /** Nonce count, as 8 hex digits (`00000001`). */
  readonly nc?: string | undefined;
  readonly cnonce?: string | undefined;
  /**
   * `H(username:realm:password)`, when the caller already has it from {@link digestSecretHash}:
   * it is the same for every request in a realm, so a client computes it once, not per request.
   */
  readonly secretHash?: string | undefined;
}

/** Parsed fields of an `Authorization: Digest …` header. */
export type DigestCredentials = Readonly<Record<string, string>>;

/** True when `name` is a digest algorithm this library supports. */
export function isDigestAlgorithm(name: string): name is DigestAlgorithm {
  return HASHES[name.replace(/-sess$/i, '').toUpperCase()] !== undefined;
}

function canonicalAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  if (name === undefined) return 'MD5';
  const session = /-sess$/i.test(name);
  const base = name.replace(/-sess$/i, '').toUpperCase();
  if (HASHES[base] === undefined) return undefined;
  return `${base}${session ? '-sess' : ''}` as DigestAlgorithm;
}

function hash(algorithm: DigestAlgorithm, data: string): string {
  const base = algorithm.replace(/-sess$/, '');
  return createHash(HASHES[base] as string).update(data, 'utf8').digest('hex');
}

/** Splits `key=value, key="quoted, value"` parameter lists; quoted values may hold escaped quotes. */
export function parseAuthParams(input: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(input)) !== null && match[0] !== '') {
    const key = (match[1] as string).toLowerCase();
    params[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
  }
  return params;
}

/**
 * Finds the Digest challenge among `WWW-Authenticate` values and parses it.
 * Returns undefined when there is none or it names an algorithm this library does not
 * support. When several Digest challenges are offered, the strongest algorithm wins.
 */
export function parseDigestChallenge(header: string | readonly string[] | undefined): DigestChallenge | undefined {
  if (header === undefined) return undefined;
  const values = typeof header === 'string' ? [header] : header;
  const rank: DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'];
  let best: DigestChallenge | undefined;
  for (const value of values) {
    // One header value may carry several challenges; each Digest one starts with the scheme name.
    for (const part of value.split(/(?=\bDigest\s)/i)) {
      const m = /^\s*Digest\s+(.*)$/is.exec(part);
      if (!m) continue;
      const params = parseAuthParams((m[1] as string).replace(/,?\s*(Basic|Bearer)\b.*$/is, ''));
      const algorithm = canonicalAlgorithm(params.algorithm);
      if (params.nonce === undefined || params.realm === undefined || algorithm === undefined) continue;
      const challenge: DigestChallenge = {
        realm: params.realm,
        nonce: params.nonce,
        opaque: params.opaque,
        algorithm,
        qop: (params.qop ?? '').split(',').map((q) => q.trim()).filter(Boolean),
        stale: (params.stale ?? '').toLowerCase() === 'true',
      };
      if (best === undefined || rank.indexOf(challenge.algorithm) > rank.indexOf(best.algorithm)) best = challenge;
    }
  }
  return best;
}

/** `H(username:realm:password)`, the part of HA1 (RFC 7616 §3.4.2) that no nonce changes. */
export function digestSecretHash(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hash(algorithm, `${username}:${realm}:${password}`);
}

/** Computes the `response` value of RFC 7616 §3.4.1. */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm } = input;
  let ha1 = input.secretHash ?? digestSecretHash(algorithm, input.username, input.realm, input.password);
  if (algorithm.endsWith('-sess')) ha1 = hash(algorithm, `${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  const ha2 = hash(algorithm, `${input.method.toUpperCase()}:${input.uri}`);
  if (input.qop === undefined) return hash(algorithm, `${ha1}:${input.nonce}:${ha2}`);
  return hash(algorithm, `${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
}

/** Formats a nonce count as RFC 7616 wants it: eight lowercase hex digits. */
export function formatNonceCount(count: number): string {
  return count.toString(16).padStart(8, '0');
}

const quote = (value: string): string =>
  value.includes('"') || value.includes('\\') ? `"${value.replace(/(["\\])/g, '\\$1')}"` : `"${value}"`;

/**
 * Builds the `Authorization` header value answering `challenge` for one request.
 * `secretHash`, when given, must be {@link digestSecretHash} of the same algorithm, username, realm and password.
 */
export function formatDigestAuthorization(
  challenge: DigestChallenge,
  request: { username: string; password: string; method: string; uri: string; nc: number; cnonce: string; secretHash?: string | undefined },
): string {
  const qop = challenge.qop.includes('auth') ? 'auth' : undefined;
  const nc = formatNonceCount(request.nc);
  const response = computeDigestResponse({
    algorithm: challenge.algorithm,
    username: request.username,
    password: request.password,
    realm: challenge.realm,
    nonce: challenge.nonce,
    method: request.method,
    uri: request.uri,
    qop,
    nc,
    cnonce: request.cnonce,
    secretHash: request.secretHash,
  });
  const parts = [
    `username=${quote(request.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(request.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${quote(response)}`,
  ];
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(request.cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

/** Parses an `Authorization: Digest …` header (for servers, such as the simulator). */
export function parseDigestAuthorization(header: string | undefined): DigestCredentials | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  return m ? parseAuthParams(m[1] as string) : undefined;
}
