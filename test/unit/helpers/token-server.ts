import type { ServerResponse } from 'node:http';
import { sendJson, startServer, type RecordedRequest, type TestServer } from './http-server.js';

/** How the token endpoint answers. */
export type TokenMode = 'ok' | 'unauthorized' | 'server-error' | 'not-json' | 'no-token';

/** How the server behaves; tests may change it between requests. */
export interface TokenServerBehavior {
  tokenMode: TokenMode;
  /** `expires_in` of issued tokens, in seconds. */
  expiresIn: number;
  /** Refuse every bearer token, issued or not. */
  rejectAll: boolean;
  /** Hold token answers until `releaseTokens()`. */
  holdTokens: boolean;
}

/** A service-account token endpoint plus an API that accepts the tokens it issued. */
export interface TokenServer extends TestServer {
  readonly behavior: TokenServerBehavior;
  readonly tokenRequests: RecordedRequest[];
  readonly apiRequests: RecordedRequest[];
  /** Tokens issued, in order: `token-1`, `token-2`, … */
  readonly issued: string[];
  /** Stops accepting `token`. */
  revoke(token: string): void;
  /** Sends the token answers held back so far. */
  releaseTokens(): void;
}

/**
 * Starts the server. `POST <tokenPath>` checks Basic credentials and the form body and
 * issues a token (or fails as `behavior.tokenMode` says); error bodies deliberately echo
 * the secret and a token so tests can prove the client never quotes them. Any other path
 * wants `Authorization: Bearer <issued token>` and echoes method, url, body and token.
 */
export async function startTokenServer(options: { clientId: string; clientSecret: string; tokenPath?: string }): Promise<TokenServer> {
  const tokenPath = options.tokenPath ?? '/api/oauth/token';
  const behavior: TokenServerBehavior = { tokenMode: 'ok', expiresIn: 3600, rejectAll: false, holdTokens: false };
  const tokenRequests: RecordedRequest[] = [];
  const apiRequests: RecordedRequest[] = [];
  const issued: string[] = [];
  const revoked = new Set<string>();
  let held: Array<() => void> = [];
  const expectedBasic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
  const leak = { secret: options.clientSecret, access_token: 'token-leaked' };

  const answerToken = (req: RecordedRequest, res: ServerResponse): void => {
    const wellFormed =
      req.method === 'POST' &&
      req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
      req.headers.accept === 'application/json' &&
      req.body === 'grant_type=client_credentials';
    if (!wellFormed) return sendJson(res, 400, { error: 'invalid_request', ...leak });
    if (req.headers.authorization !== expectedBasic || behavior.tokenMode === 'unauthorized') {
      return sendJson(res, 401, { error: 'invalid_client', ...leak });
    }
    if (behavior.tokenMode === 'server-error') return sendJson(res, 500, { error: 'server_error', ...leak });
    if (behavior.tokenMode === 'not-json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(`<html>${options.clientSecret} token-leaked</html>`);
    }
    if (behavior.tokenMode === 'no-token') return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3600, secret: options.clientSecret });
    const token = `token-${issued.length + 1}`;
    issued.push(token);
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: behavior.expiresIn });
  };

  const server = await startServer((req, res) => {
    if (req.url === tokenPath) {
      tokenRequests.push(req);
      if (behavior.holdTokens) held.push(() => answerToken(req, res));
      else answerToken(req, res);
      return;
    }
    apiRequests.push(req);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !issued.includes(token) || revoked.has(token) || behavior.rejectAll) {
      return sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    sendJson(res, 200, { method: req.method, url: req.url, body: req.body, token });
  });

  return {
    ...server,
    behavior,
    tokenRequests,
    apiRequests,
    issued,
    revoke: (token) => void revoked.add(token),
    releaseTokens: () => {
      const pending = held;
      held = [];
      for (const answer of pending) answer();
    },
  };
}
