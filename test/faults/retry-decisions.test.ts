import { describe, expect, it } from 'vitest';
import { chooseAdoptableJob } from '../../src/atlas/atlas-answer.js';
import { describeFailure, isRetryable, serverEffect, transportFailure, type AttemptFailure } from '../../src/atlas/atlas-answer.js';

const status = (code: number): AttemptFailure => ({ kind: 'status', status: code, headers: {} });

describe('which failures are retried', () => {
  it('retries 429, 500, 502, 503 and 504, and no other status', () => {
    for (const code of [429, 500, 502, 503, 504]) expect(isRetryable(status(code))).toBe(true);
    for (const code of [400, 401, 403, 404, 405, 406, 409, 410, 415, 422, 501, 505]) expect(isRetryable(status(code))).toBe(false);
  });
  it('retries broken connections, unreadable JSON and a page in another media type; never a redirect', () => {
    expect(isRetryable({ kind: 'connect', code: 'ECONNREFUSED' })).toBe(true);
    expect(isRetryable({ kind: 'connection', code: 'ECONNRESET' })).toBe(true);
    expect(isRetryable({ kind: 'unreadable-body', status: 200 })).toBe(true);
    expect(isRetryable({ kind: 'foreign-body', status: 200, contentType: 'text/html' })).toBe(true);
    for (const code of [301, 302, 303, 307, 308]) expect(isRetryable({ kind: 'redirect', status: code })).toBe(false);
  });
  it('knows what a failed POST may have done on the server', () => {
    expect(serverEffect(status(429))).toBe('none');
    expect(serverEffect(status(404))).toBe('none');
    expect(serverEffect({ kind: 'connect', code: 'ECONNREFUSED' })).toBe('none');
    expect(serverEffect(status(500))).toBe('unknown');
    expect(serverEffect(status(503))).toBe('unknown');
    expect(serverEffect({ kind: 'connection', code: 'UND_ERR_SOCKET' })).toBe('unknown');
    expect(serverEffect({ kind: 'unreadable-body', status: 200 })).toBe('done');
    expect(serverEffect({ kind: 'foreign-body', status: 201, contentType: 'text/plain' })).toBe('done');
  });
  it('sorts undici and Node errors by their code, and leaves everything else alone', () => {
    const coded = (code: string): Error => Object.assign(new Error(code), { code });
    expect(transportFailure(coded('ECONNREFUSED'))).toEqual({ kind: 'connect', code: 'ECONNREFUSED' });
    expect(transportFailure(coded('UND_ERR_CONNECT_TIMEOUT'))).toEqual({ kind: 'connect', code: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(transportFailure(coded('ECONNRESET'))).toEqual({ kind: 'connection', code: 'ECONNRESET' });
    expect(transportFailure(coded('UND_ERR_SOCKET'))).toEqual({ kind: 'connection', code: 'UND_ERR_SOCKET' });
    expect(transportFailure(coded('UND_ERR_HEADERS_TIMEOUT'))).toEqual({ kind: 'connection', code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(transportFailure(new TypeError('fetch failed', { cause: coded('EPIPE') }))).toEqual({ kind: 'connection', code: 'EPIPE' });
    for (const other of [coded('UND_ERR_ABORTED'), coded('UND_ERR_CLOSED'), new DOMException('x', 'AbortError'), new Error('plain'), 'text', undefined]) {
      expect(transportFailure(other)).toBeUndefined();
    }
  });
  it('names failures for messages', () => {
    expect(describeFailure(status(503))).toBe('HTTP 503');
    expect(describeFailure({ kind: 'connection', code: 'ECONNRESET' })).toBe('ECONNRESET');
  });
});

/** The choice is that very job (not a copy), with its id. */
function expectChosen(chosen: ReturnType<typeof chooseAdoptableJob>, job: { id: string }): void {
  expect(chosen?.body).toBe(job);
  expect(chosen?.id).toBe(job.id);
}

describe('chooseAdoptableJob', () => {
  const snapshotId = 'a'.repeat(24);
  const since = new Date('2026-03-01T12:00:00Z');
  const criteria = { route: 'flex' as const, snapshotId, since, skewMs: 60_000 };
  const job = (id: string, scheduled: string, extra: Record<string, unknown> = {}) => ({
    id,
    snapshotId,
    deliveryType: 'DOWNLOAD',
    restoreScheduledDate: scheduled,
    status: 'QUEUED',
    ...extra,
  });

  it('adopts the recent download job of the same snapshot', () => {
    const mine = job('b'.repeat(24), '2026-03-01T12:00:01Z');
    expectChosen(chooseAdoptableJob([mine], criteria), mine);
  });
  it('never adopts a FAILED job, nor a job it is told to leave (the one a renewal replaces)', () => {
    const failed = job('c'.repeat(24), '2026-03-01T12:00:02Z', { status: 'FAILED' });
    const refused = job('d'.repeat(24), '2026-03-01T12:00:03Z', { status: 'COMPLETED' });
    const other = job('b'.repeat(24), '2026-03-01T12:00:01Z');
    expect(chooseAdoptableJob([failed], criteria)).toBeUndefined();
    expectChosen(chooseAdoptableJob([failed, refused, other], { ...criteria, exclude: new Set([refused.id]) }), other);
    expect(chooseAdoptableJob([refused], { ...criteria, exclude: new Set([refused.id]) })).toBeUndefined();
  });
  it('allows for clock skew, and no more', () => {
    const justInside = job('b'.repeat(24), '2026-03-01T11:59:00Z');
    expectChosen(chooseAdoptableJob([justInside], criteria), justInside);
    expect(chooseAdoptableJob([job('b'.repeat(24), '2026-03-01T11:58:59Z')], criteria)).toBeUndefined();
  });
  it('never adopts another snapshot\'s job, a restore job, a job without an id or without a date', () => {
    const results = [
      job('1'.repeat(24), '2026-03-01T12:00:01Z', { snapshotId: 'c'.repeat(24) }),
      job('2'.repeat(24), '2026-03-01T12:00:01Z', { deliveryType: 'RESTORE' }),
      job('3'.repeat(24), '2026-03-01T12:00:01Z', { id: undefined }),
      job('4'.repeat(24), '2026-03-01T12:00:01Z', { restoreScheduledDate: undefined }),
      'not an object',
      null,
    ];
    expect(chooseAdoptableJob(results, criteria)).toBeUndefined();
  });
  it('takes the most recently scheduled of several, then the larger id', () => {
    const older = job('5'.repeat(24), '2026-03-01T12:00:01Z');
    const newer = job('6'.repeat(24), '2026-03-01T12:00:02Z');
    const twin = job('7'.repeat(24), '2026-03-01T12:00:02Z');
    expectChosen(chooseAdoptableJob([older, newer], criteria), newer);
    expectChosen(chooseAdoptableJob([twin, newer, older], criteria), twin);
  });
  it('accepts a job that does not say its delivery type', () => {
    const bare = job('8'.repeat(24), '2026-03-01T12:00:01Z', { deliveryType: undefined });
    expectChosen(chooseAdoptableJob([bare], criteria), bare);
  });
});
