import { secretsEqual } from './auth.js';
import { readBody, type Exchange } from './exchange.js';
import type { SimulatorState } from './state.js';

const JSON_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Client id and secret from `Authorization: Basic`, form-decoded as RFC 6749 §2.3.1 asks. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/**
 * `POST /api/oauth/token`, OAuth 2.0 client credentials (RFC 6749 §4.4): errors in OAuth's own
 * `{ error }` shape, not Atlas's `ApiError`, as the real token endpoint answers.
 */
export async function serveTokenRequest(state: SimulatorState, exchange: Exchange): Promise<void> {
  if (exchange.method !== 'POST') {
    exchange.sendJson(405, { error: 'invalid_request', error_description: 'Use POST.' }, 'application/json', { ...JSON_HEADERS, Allow: 'POST' });
    return;
  }
  const client = basicCredentials(exchange.req.headers.authorization);
  const { clientId, clientSecret } = state.credentials.serviceAccount;
  if (client === undefined || !secretsEqual(client.id, clientId) || !secretsEqual(client.secret, clientSecret)) {
    exchange.sendJson(401, { error: 'invalid_client', error_description: 'Client authentication failed.' }, 'application/json', {
      ...JSON_HEADERS,
      'WWW-Authenticate': 'Basic realm="oauth"',
    });
    return;
  }
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(exchange.req.headers['content-type'] ?? '');
  const raw = await readBody(exchange.req, 64 * 1024);
  const grant = isForm && raw !== undefined ? new URLSearchParams(raw.toString('utf8')).get('grant_type') : null;
  if (grant === null) {
    const body = { error: 'invalid_request', error_description: 'Send grant_type as application/x-www-form-urlencoded.' };
    exchange.sendJson(400, body, 'application/json', JSON_HEADERS);
    return;
  }
  if (grant !== 'client_credentials') {
    const body = { error: 'unsupported_grant_type', error_description: `Grant type ${grant} is not supported.` };
    exchange.sendJson(400, body, 'application/json', JSON_HEADERS);
    return;
  }
  const body = { access_token: state.tokens.issue(), token_type: 'Bearer', expires_in: Math.ceil(state.options.tokenTtlSeconds) };
  exchange.sendJson(200, body, 'application/json', JSON_HEADERS);
}
