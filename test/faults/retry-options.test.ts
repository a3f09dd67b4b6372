import { describe, expect, it } from 'vitest';
import { createSnapshotShim, DEFAULT_CALL_DEADLINE_MS, RETRY_DEFAULTS, ValidationError } from '../../src/index.js';
import { resolveShimOptions } from '../../src/facade/shim-options.js';
import { realTimer } from '../../src/atlas/retry.js';

const credentials = { publicKey: 'abcdefgh', privateKey: 'd0c5a2e1-8a1b-4c7e-9f00-123456789abc' };

function refusal(options: Record<string, unknown>): ValidationError {
  try {
    resolveShimOptions({ credentials, ...options });
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  return expect.unreachable('expected a ValidationError');
}

describe('the retry and deadline options', () => {
  it('default to the documented values', () => {
    const resolved = resolveShimOptions({ credentials });
    expect(RETRY_DEFAULTS).toEqual({ limit: 4, baseDelayMs: 500, maxDelayMs: 20_000, maxElapsedMs: 60_000 });
    expect(resolved.retry).toMatchObject(RETRY_DEFAULTS);
    expect(resolved.retry.random).toBe(Math.random);
    expect(resolved.retry.timer).toBe(realTimer);
    expect(DEFAULT_CALL_DEADLINE_MS).toBe(120_000);
    expect(resolved.timeouts.deadlineMs).toBe(120_000);
  });

  it('take what is given, filling in the rest', () => {
    const timer = { now: () => 0, sleep: async () => undefined };
    const random = () => 0.25;
    const resolved = resolveShimOptions({ credentials, retry: { limit: 0, maxElapsedMs: 1000, timer, random }, timeouts: { deadlineMs: 5000 } });
    expect(resolved.retry).toEqual({ limit: 0, baseDelayMs: 500, maxDelayMs: 20_000, maxElapsedMs: 1000, timer, random });
    expect(resolved.timeouts).toMatchObject({ deadlineMs: 5000, headersMs: 30_000 });
  });

  it.each([
    [{ retry: 3 }],
    [{ retry: { limit: -1 } }],
    [{ retry: { limit: 1.5 } }],
    [{ retry: { limit: 101 } }],
    [{ retry: { baseDelayMs: '500' } }],
    [{ retry: { maxDelayMs: 100 } }],
    [{ retry: { baseDelayMs: 2000, maxDelayMs: 1000 } }],
    [{ retry: { maxElapsedMs: -5 } }],
    [{ retry: { retries: 3 } }],
    [{ retry: { random: 0.5 } }],
    [{ retry: { timer: { now: () => 0 } } }],
  ])('refuse %j, naming options.retry', (options) => {
    const error = refusal(options);
    expect(error.field).toBe('options.retry');
    expect(error.allowed).toMatch(/limit an integer from 0 to 100/);
  });

  it('refuse a deadline of 0, naming options.timeouts', () => {
    expect(refusal({ timeouts: { deadlineMs: 0 } }).field).toBe('options.timeouts');
  });

  it('are checked by createSnapshotShim before anything is sent', () => {
    expect(() => createSnapshotShim({ credentials, retry: { limit: -1 } })).toThrow(ValidationError);
  });
});
