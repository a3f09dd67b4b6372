import { randomBytes } from 'node:crypto';
import { Agent, request, type Dispatcher } from 'undici';
import { formatDigestAuthorization, parseDigestChallenge, type DigestChallenge } from '../../src/auth/digest.js';

/** A response as the tests look at it: status, headers, text and (when it parses) JSON. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** Parsed body, or undefined when the body is not JSON. */
  // Bodies are asserted against schemas and literals, so a loose type keeps the tests readable.
  readonly json: any;
}

/** Options of one request. */
export interface TestRequestOptions {
  readonly accept?: string;
  readonly contentType?: string;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** `digest` (default): sign with the client's key; `none`; or a literal `Authorization` value. */
  readonly auth?: 'digest' | 'none' | { readonly authorization: string };
}

/**
 * A small HTTP client for the simulator tests: keep-alive connections (one undici Agent), and
 * HTTP Digest built on `src/auth/digest.ts` that reuses one nonce with a rising nonce count until
 * the server asks for a new one, the way a warm production client should.
 */
export class DigestTestClient {
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  /** How many 401 challenges this client has answered. */
  challengesAnswered = 0;
  #challenge: DigestChallenge | undefined;
  #nonceCount = 0;
  readonly #agent = new Agent({ keepAliveTimeout: 10_000, connections: 4 });

  constructor(baseUrl: string, credentials: { readonly publicKey: string; readonly privateKey: string }) {
    this.baseUrl = baseUrl;
    this.username = credentials.publicKey;
    this.password = credentials.privateKey;
  }

  /** The challenge in use (for tests that tamper with nonces). */
  get challenge(): DigestChallenge | undefined {
    return this.#challenge;
  }

  /** Signs `method uri` with the current challenge and the next nonce count (or a forced one). */
  authorization(method: string, uri: string, nonceCount?: number): string {
    if (this.#challenge === undefined) throw new Error('no challenge yet');
    if (nonceCount === undefined) this.#nonceCount += 1;
    return formatDigestAuthorization(this.#challenge, {
      username: this.username,
      password: this.password,
      method,
      uri,
      nc: nonceCount ?? this.#nonceCount,
      cnonce: randomBytes(8).toString('hex'),
    });
  }

  /** Sends a request; with digest auth, answers one challenge (first contact or stale nonce) and retries. */
  async send(method: string, path: string, options: TestRequestOptions = {}): Promise<TestResponse> {
    const auth = options.auth ?? 'digest';
    if (auth !== 'digest') return this.raw(method, path, options, typeof auth === 'string' ? undefined : auth.authorization);
    const first = await this.raw(method, path, options, this.#challenge === undefined ? undefined : this.authorization(method, path));
    if (first.status !== 401) return first;
    const challenge = parseDigestChallenge(first.headers['www-authenticate']);
    if (challenge === undefined) return first;
    this.challengesAnswered += 1;
    this.#challenge = challenge;
    this.#nonceCount = 0;
    return this.raw(method, path, options, this.authorization(method, path));
  }

  /** One request exactly as given: no retry, no signing beyond the given `Authorization`. */
  async raw(method: string, path: string, options: TestRequestOptions = {}, authorization?: string): Promise<TestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.accept !== undefined) headers.accept = options.accept;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    if (authorization !== undefined) headers.authorization = authorization;
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    return responseOf(await request(`${this.baseUrl}${path}`, { method: method as 'GET', headers, body, dispatcher: this.#agent }));
  }

  /** Closes the client's connections. */
  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** An undici response read whole: status, headers, text, and the JSON body when it is JSON. */
export async function responseOf(response: Dispatcher.ResponseData): Promise<TestResponse> {
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}
