import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../src/errors/timeout-error.js';
import { CallDeadline } from '../../src/retry/call-deadline.js';

const what = 'Atlas call GET /api/x (retries included)';

describe('CallDeadline', () => {
  it('ends at the deadline with a TimeoutError, telling every subscriber and the signal made later', async () => {
    const deadline = new CallDeadline(what, 20, undefined, () => 'HTTP 503');
    const heard: unknown[] = [];
    deadline.subscribe((reason) => heard.push(reason));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.aborted).toBe(true);
    expect(deadline.reason).toBeInstanceOf(TimeoutError);
    expect((deadline.reason as Error).message).toContain(what);
    expect(heard).toEqual([deadline.reason]);
    // Asked for after the end: aborted at once, with the same reason.
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(deadline.reason);
    expect(() => deadline.throwIfAborted()).toThrow(TimeoutError);
    expect(deadline.outcomeOf(new Error('what undici said'))).toBe(deadline.reason);
    deadline.dispose();
  });

  it("ends with the caller's reason when the caller aborts, and the signal follows", () => {
    const controller = new AbortController();
    const deadline = new CallDeadline(what, 60_000, controller.signal, () => undefined);
    const signal = deadline.signal;
    const heard: unknown[] = [];
    deadline.subscribe((reason) => heard.push(reason));
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(heard).toEqual([reason]);
    expect(signal.reason).toBe(reason);
    expect(deadline.outcomeOf(new Error('RequestAbortedError'))).toBe(reason);
    deadline.dispose();
  });

  it('a subscriber that stopped listening is not called, and before the end the error passes through', () => {
    const deadline = new CallDeadline(what, 60_000, undefined, () => undefined);
    const heard: unknown[] = [];
    const stop = deadline.subscribe((reason) => heard.push(reason));
    stop();
    const error = new Error('ECONNRESET');
    expect(deadline.outcomeOf(error)).toBe(error);
    expect(() => deadline.throwIfAborted()).not.toThrow();
    deadline.dispose();
    expect(heard).toEqual([]);
  });

  it('a caller signal already aborted ends the call at once', () => {
    const reason = new Error('too late');
    const deadline = new CallDeadline(what, 60_000, AbortSignal.abort(reason), () => undefined);
    expect(() => deadline.throwIfAborted()).toThrow(reason);
    const heard: unknown[] = [];
    deadline.subscribe((r) => heard.push(r));
    expect(heard).toEqual([reason]);
    deadline.dispose();
  });
});
