import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, decideRetryTiming, parseRetryAfter, RateLimitGate, serverWaitHint, type RetryBounds, type RetryTimer } from '../../src/atlas/retry.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const bounds: RetryBounds = { limit: 4, baseDelayMs: 500, maxDelayMs: 20_000, maxElapsedMs: 60_000 };

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
  });
  it('reads an IMF-fixdate against the given instant', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:05 GMT', NOW)).toBe(5000);
  });
  it('reads the two obsolete HTTP-date forms (RFC 850 and asctime, both GMT)', () => {
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:00:09 GMT', NOW)).toBe(9000);
    expect(parseRetryAfter('Sun Mar  1 12:00:03 2026', NOW)).toBe(3000);
  });
  it('treats a date already past as "now"', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:59:00 GMT', NOW)).toBe(0);
  });
  it('ignores what is neither form', () => {
    for (const value of [undefined, '', '-1', '1.5', 'soon', '2026-03-01T12:00:05Z', '10 seconds', 'Sun, 01 Mar 2026 12:00:05 PST']) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });
});

describe('serverWaitHint', () => {
  it('measures an HTTP-date against the answer\'s own Date header, not the local clock', () => {
    const headers = { date: 'Sun, 01 Mar 2026 08:00:00 GMT', 'retry-after': 'Sun, 01 Mar 2026 08:00:04 GMT' };
    // The local clock is four hours ahead of the server's: the server's own Date still gives 4 s.
    expect(serverWaitHint(headers, NOW).retryAfterMs).toBe(4000);
  });
  it('falls back to the given clock when there is no Date header', () => {
    expect(serverWaitHint({ 'retry-after': 'Sun, 01 Mar 2026 12:00:02 GMT' }, NOW).retryAfterMs).toBe(2000);
  });
  it('reports a spent rate limit window from RateLimit-Remaining: 0 only', () => {
    expect(serverWaitHint({ 'ratelimit-remaining': '0' }, NOW).rateLimitSpent).toBe(true);
    expect(serverWaitHint({ 'ratelimit-remaining': '3' }, NOW).rateLimitSpent).toBe(false);
    expect(serverWaitHint({}, NOW)).toEqual({ retryAfterMs: undefined, rateLimitSpent: false });
  });
  it('reads the first of repeated headers', () => {
    expect(serverWaitHint({ 'retry-after': ['2', '9'] }, NOW).retryAfterMs).toBe(2000);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('draws from [0, base × 2^n), capped at maxDelayMs', () => {
    expect(backoffDelay(0, bounds, 0)).toBe(0);
    expect(backoffDelay(0, bounds, 0.5)).toBe(250);
    expect(backoffDelay(2, bounds, 0.5)).toBe(1000);
    expect(backoffDelay(10, bounds, 0.5)).toBe(10_000);
    expect(backoffDelay(1000, bounds, 0.999)).toBe(19_980);
  });
  it('stays within its window for any attempt and draw', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 1, max: 10_000 }), (n, draw, base) => {
        const cap = base * 40;
        const delay = backoffDelay(n, { baseDelayMs: base, maxDelayMs: cap }, draw);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(cap, base * 2 ** Math.min(n, 30)));
      }),
    );
  });
});

describe('decideRetryTiming', () => {
  const input = { retriesDone: 0, elapsedMs: 0, bounds, random: 0.5 };
  it('backs off with jitter when the server gives no hint', () => {
    expect(decideRetryTiming(input)).toEqual({ retry: true, delayMs: 250 });
    expect(decideRetryTiming({ ...input, retriesDone: 3 })).toEqual({ retry: true, delayMs: 2000 });
  });
  it('waits exactly what Retry-After says, longer than the backoff cap included', () => {
    const hint = { retryAfterMs: 45_000, rateLimitSpent: true };
    expect(decideRetryTiming({ ...input, hint })).toEqual({ retry: true, delayMs: 45_000 });
  });
  it('waits maxDelayMs when the rate limit is spent and no Retry-After says for how long', () => {
    expect(decideRetryTiming({ ...input, hint: { retryAfterMs: undefined, rateLimitSpent: true } })).toEqual({
      retry: true,
      delayMs: 20_000,
    });
  });
  it('stops after limit retries', () => {
    expect(decideRetryTiming({ ...input, retriesDone: 4 })).toEqual({ retry: false, reason: 'limit' });
    expect(decideRetryTiming({ ...input, bounds: { ...bounds, limit: 0 } })).toEqual({ retry: false, reason: 'limit' });
  });
  it('does not count 429s against the limit: a rate limit is bounded by the time budget alone', () => {
    const hint = { retryAfterMs: 1000, rateLimitSpent: true };
    // A 429 after limit retries of any kind is still waited out...
    expect(decideRetryTiming({ ...input, retriesDone: 9, rateLimitedRetries: 9, rateLimited: true, hint })).toEqual({ retry: true, delayMs: 1000 });
    // ...and the retries that followed 429s leave the limit whole for other failures.
    expect(decideRetryTiming({ ...input, retriesDone: 7, rateLimitedRetries: 4 })).toEqual({ retry: true, delayMs: 10_000 });
    expect(decideRetryTiming({ ...input, retriesDone: 8, rateLimitedRetries: 4 })).toEqual({ retry: false, reason: 'limit' });
    // The backoff of a 429 without a hint still grows with every retry made.
    expect(decideRetryTiming({ ...input, retriesDone: 5, rateLimitedRetries: 5, rateLimited: true })).toEqual({ retry: true, delayMs: 8000 });
    expect(decideRetryTiming({ ...input, elapsedMs: 59_500, rateLimited: true, hint })).toEqual({ retry: false, reason: 'time-budget' });
  });
  it('stops rather than wait past maxElapsedMs, and never shortens a Retry-After to fit', () => {
    expect(decideRetryTiming({ ...input, elapsedMs: 59_000, hint: { retryAfterMs: 2000, rateLimitSpent: false } })).toEqual({
      retry: false,
      reason: 'time-budget',
    });
    expect(decideRetryTiming({ ...input, elapsedMs: 58_000, hint: { retryAfterMs: 2000, rateLimitSpent: false } })).toEqual({
      retry: true,
      delayMs: 2000,
    });
  });
  it('never schedules a retry past the budget or beyond the limit, and retries whenever both allow (property)', () => {
    const outcomes = { retried: 0, limit: 0, budget: 0 };
    fc.assert(
      fc.property(
        fc.record({
          retriesDone: fc.nat(10),
          elapsedMs: fc.nat(100_000),
          random: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
          retryAfterMs: fc.option(fc.nat(200_000), { nil: undefined }),
          rateLimitSpent: fc.boolean(),
        }),
        ({ retryAfterMs, rateLimitSpent, ...rest }) => {
          const timing = decideRetryTiming({ ...rest, bounds, hint: { retryAfterMs, rateLimitSpent } });
          if (timing.retry) {
            expect(rest.retriesDone).toBeLessThan(bounds.limit);
            expect(rest.elapsedMs + timing.delayMs).toBeLessThanOrEqual(bounds.maxElapsedMs);
            if (retryAfterMs !== undefined) expect(timing.delayMs).toBe(retryAfterMs);
          } else {
            expect(rest.retriesDone >= bounds.limit || timing.reason === 'time-budget').toBe(true);
          }
          // The converse: below the limit, a wait that fits the budget is a retry, of that wait.
          const wait = retryAfterMs ?? (rateLimitSpent ? bounds.maxDelayMs : backoffDelay(rest.retriesDone, bounds, rest.random));
          if (rest.retriesDone >= bounds.limit) {
            expect(timing).toEqual({ retry: false, reason: 'limit' });
            outcomes.limit += 1;
          } else if (rest.elapsedMs + wait > bounds.maxElapsedMs) {
            expect(timing).toEqual({ retry: false, reason: 'time-budget' });
            outcomes.budget += 1;
          } else {
            expect(timing).toEqual({ retry: true, delayMs: wait });
            outcomes.retried += 1;
          }
        },
      ),
    );
    // The generator reaches all three outcomes: a property that never saw a retry proves nothing.
    expect(outcomes.retried).toBeGreaterThan(0);
    expect(outcomes.limit).toBeGreaterThan(0);
    expect(outcomes.budget).toBeGreaterThan(0);
  });
});

describe('RateLimitGate', () => {
  /** A clock that moves only when a wait is made, recording each wait. */
  function steppedTimer() {
    const waits: number[] = [];
    let now = 0;
    const timer: RetryTimer = {
      now: () => now,
      async sleep(ms, signal) {
        signal.throwIfAborted();
        waits.push(ms);
        now += ms;
      },
    };
    return { timer, waits, advance: (ms: number) => (now += ms) };
  }
  const call = { signal: new AbortController().signal };

  it('lets every call through, synchronously, while nothing holds the project', () => {
    const { timer } = steppedTimer();
    expect(new RateLimitGate(timer, () => 0.5).wait('p', call)).toBeUndefined();
  });

  it('holds a project (only that one) until the hold ends, plus a random part of its length', async () => {
    const { timer, waits, advance } = steppedTimer();
    const gate = new RateLimitGate(timer, () => 0.5);
    gate.hold('p', 1000);
    expect(gate.wait('other', call)).toBeUndefined();
    advance(400);
    await gate.wait('p', call);
    // 600 ms left of the hold, plus half of its 1000 ms length.
    expect(waits).toEqual([1100]);
    expect(gate.wait('p', call)).toBeUndefined();
  });

  it('keeps the longer of two holds', async () => {
    const { timer, waits } = steppedTimer();
    const gate = new RateLimitGate(timer, () => 0);
    gate.hold('p', 5000);
    gate.hold('p', 1000);
    await gate.wait('p', call);
    expect(waits).toEqual([5000]);
  });

  it('a held call aborts with its signal', async () => {
    const { timer } = steppedTimer();
    const gate = new RateLimitGate(timer, () => 0);
    gate.hold('p', 1000);
    const controller = new AbortController();
    controller.abort(new Error('caller left'));
    await expect(gate.wait('p', controller)).rejects.toThrow('caller left');
  });
});
