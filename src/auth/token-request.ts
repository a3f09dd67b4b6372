import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { AuthError } from '../errors/auth-error.js';

/** Where and how to ask for a service-account token. */
export interface TokenRequest {
  /** The dispatch function the interceptor wraps, so the token shares its pool and inner interceptors. */
  readonly dispatch: Dispatcher.Dispatch;
  /** The Atlas origin, `scheme://host[:port]`. */
  readonly origin: string;
  /** The token endpoint's path on `origin`. */
  readonly path: string;
  /** The client id, for error messages. */
  readonly clientId: string;
  /** The complete `Authorization: Basic …` value. */
  readonly authorization: string;
}

/** A token as the endpoint issued it. */
export interface IssuedToken {
  readonly accessToken: string;
  /** Lifetime from `expires_in`, in milliseconds; undefined when the endpoint gave none. */
  readonly expiresInMs: number | undefined;
}

// A token response is a few hundred bytes; anything much larger is not one.
const MAX_BODY_BYTES = 64 * 1024;

/** Reads the OAuth `error` code of a refusal, when it is a plain code (the body itself is never quoted). */
function oauthErrorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: unknown }).error;
    return typeof code === 'string' && /^[A-Za-z_]{1,40}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function parseToken(body: string, contentType: string | undefined, what: string, status: number): IssuedToken {
  const checkOrigin = 'Check that the origin is the Atlas Admin API and the token path is right.';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AuthError(`${what} answered HTTP ${status} with a body that is not JSON (content-type ${contentType ?? 'none'}). ${checkOrigin}`, status);
  }
  const token = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  if (typeof token.access_token !== 'string' || token.access_token === '' || /[\x00-\x20\x7f]/.test(token.access_token)) {
    throw new AuthError(`${what} answered HTTP ${status} without a usable access_token. ${checkOrigin}`, status);
  }
  const type = token.token_type;
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) {
    const shown = typeof type === 'string' && /^[\w-]{1,20}$/.test(type) ? type : typeof type;
    throw new AuthError(`${what} answered with token type ${shown}; only Bearer tokens are supported.`, status);
  }
  const expiresIn = Number(token.expires_in);
  return { accessToken: token.access_token, expiresInMs: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : undefined };
}

function refusal(what: string, clientId: string, status: number, body: string): AuthError {
  const code = oauthErrorCode(body);
  const hint =
    status === 400 || status === 401 || status === 403
      ? `Check the client id '${clientId}' and its secret, that the service account is active and its secret not expired, and that its API access list allows this address.`
      : 'Atlas may be unavailable; try again later.';
  return new AuthError(`${what} was refused with HTTP ${status}${code ? ` (${code})` : ''}. ${hint}`, status);
}

/**
 * Asks the token endpoint for an access token (OAuth 2.0 client credentials grant).
 * Rejects with `AuthError` on a network failure, a non-2xx answer, a body that is not
 * JSON or one without `access_token`; the message never quotes the body, the secret or
 * a token.
 */
export function requestToken(request: TokenRequest): Promise<IssuedToken> {
  const what = `The Atlas service account token request (POST ${request.path})`;
  return new Promise<IssuedToken>((resolve, reject) => {
    let status = 0;
    let contentType: string | undefined;
    let size = 0;
    const chunks: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      // undici tells the handler APIs apart by this method: without it, the handler would be taken for a legacy one.
      onRequestStart() {},
      onResponseStart(_controller, statusCode: number, headers: IncomingHttpHeaders) {
        // 1xx interim answers are followed by the real one.
        if (statusCode < 200) return;
        status = statusCode;
        const type = headers['content-type'];
        contentType = Array.isArray(type) ? type[0] : type;
      },
      onResponseData(controller, chunk: Buffer) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          controller.abort(new AuthError(`${what} answered with a body over ${MAX_BODY_BYTES} bytes; that is not a token response.`, status));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        const body = Buffer.concat(chunks).toString('utf8');
        if (status < 200 || status > 299) {
          reject(refusal(what, request.clientId, status, body));
          return;
        }
        try {
          resolve(parseToken(body, contentType, what, status));
        } catch (err) {
          reject(err);
        }
      },
      onResponseError(_controller, err: Error) {
        if (err instanceof AuthError) reject(err);
        else reject(new AuthError(`${what} failed (${err.message}). Check that ${request.origin} is reachable.`, undefined, { cause: err }));
      },
    };
    const opts: Dispatcher.DispatchOptions = {
      origin: request.origin,
      path: request.path,
      method: 'POST',
      headers: {
        authorization: request.authorization,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    };
    try {
      request.dispatch(opts, handler);
    } catch (err) {
      handler.onResponseError?.(undefined as unknown as Dispatcher.DispatchController, err instanceof Error ? err : new Error(String(err)));
    }
  });
}
