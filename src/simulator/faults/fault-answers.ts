import { SimulatorApiError } from '../api-error.js';
import { SIMULATOR_ERROR_CODES as CODES } from '../error-codes.js';
import type { Exchange } from '../exchange.js';
import { RateLimitCounter, type SimulatorState } from '../state.js';
import type { FaultedRequest } from './fault-plan.js';
import type { ResolvedFault } from './resolve-fault.js';

type RateLimitFault = Extract<ResolvedFault, { kind: 'rate-limit' }>;
type ServerErrorFault = Extract<ResolvedFault, { kind: 'server-error' }>;

/**
 * An error of the snapshot host, whether a fault's or its own: Atlas's `snapshotUrl` points at
 * object storage, which answers with small XML documents.
 */
export function sendStorageError(exchange: Exchange, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  exchange.send(status, { ...headers, 'Content-Type': 'application/xml' }, body);
}

function sendHtml(exchange: Exchange, status: number, title: string, headers: Record<string, string> = {}, contentType = 'text/html; charset=utf-8'): void {
  const body = `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`;
  exchange.send(status, { ...headers, 'Content-Type': contentType }, body);
}

/**
 * 429 `RATE_LIMITED`, as the contract's `tooManyRequests` declares it: `RateLimit-Limit`,
 * `RateLimit-Remaining: 0` and `Retry-After`. The HTTP-date form comes with a `Date` header
 * of the same instant, so a client measuring it against `Date` gets exactly the seconds asked.
 */
export function sendRateLimited(exchange: Exchange, fault: RateLimitFault): void {
  const headers: Record<string, string> = { 'RateLimit-Limit': String(RateLimitCounter.LIMIT), 'RateLimit-Remaining': '0' };
  if (fault.retryAfterForm === 'delta-seconds') headers['Retry-After'] = String(fault.retryAfterSeconds);
  if (fault.retryAfterForm === 'http-date') {
    // One instant for both, on the Atlas clock every other answer's `Date` comes from.
    const now = exchange.now().getTime();
    headers.Date = new Date(now).toUTCString();
    headers['Retry-After'] = new Date(now + fault.retryAfterSeconds * 1000).toUTCString();
  }
  exchange.sendApiError(new SimulatorApiError(429, CODES.rateLimited, 'You have exceeded the rate limit. Try again later.', { headers }));
}

/**
 * The server error of a fault: 500 and 503 as Atlas `ApiError`s from the API, 502 and 504
 * as a gateway's HTML page, and the storage host's XML on the snapshot host.
 */
export function sendServerError(exchange: Exchange, fault: ServerErrorFault, target: FaultedRequest['target']): void {
  const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  if (target === 'snapshot-file') {
    const code = fault.status === 503 ? 'ServiceUnavailable' : fault.status === 500 ? 'InternalError' : 'BadGateway';
    sendStorageError(exchange, fault.status, code, 'Please try again.', headers);
    return;
  }
  if (fault.status === 502 || fault.status === 504) {
    sendHtml(exchange, fault.status, fault.status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out', headers);
    return;
  }
  const apiError =
    fault.status === 503
      ? new SimulatorApiError(503, CODES.serviceUnavailable, 'The service is temporarily unavailable.', { headers })
      : new SimulatorApiError(500, CODES.unexpectedError, 'Unexpected error.', { headers });
  exchange.sendApiError(apiError);
}

/** 401 with a fresh challenge and `stale=true`: the credentials were right, only the nonce needs renewing. */
export function sendStaleNonce(state: SimulatorState, exchange: Exchange): void {
  exchange.sendApiError(state.authenticator.staleNonce());
}

/** The snapshot host's answer to an expired pre-signed URL (a fault's, or a URL past its expiry). */
export function sendExpiredUrl(exchange: Exchange): void {
  sendStorageError(exchange, 403, 'AccessDenied', 'Request has expired');
}

/** An HTML page under the fault's content type, where a JSON answer was due (keeping its status). */
export function sendWrongContentType(exchange: Exchange, status: number, contentType: string): void {
  sendHtml(exchange, status, 'Service notice', {}, contentType);
}
