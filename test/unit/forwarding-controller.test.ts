import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { ForwardingController } from '../../src/http/forwarding-controller.js';

/** An attempt's controller that records what it was asked. */
function attempt() {
  const calls: string[] = [];
  const controller: Dispatcher.DispatchController = {
    aborted: false,
    paused: false,
    reason: null,
    abort: (reason: Error) => calls.push(`abort ${reason.message}`),
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
  };
  return { controller, calls };
}

describe('ForwardingController', () => {
  it('forwards pause, resume and abort to the attempt in flight, and holds a later attempt paused', () => {
    const failed: Error[] = [];
    const forwarding = new ForwardingController((reason) => failed.push(reason));
    forwarding.pause();
    const first = attempt();
    forwarding.target = first.controller;
    expect(first.calls).toEqual(['pause']);
    expect(forwarding.paused).toBe(true);
    forwarding.resume();
    forwarding.abort(new Error('stop'));
    forwarding.abort(new Error('again'));
    expect(first.calls).toEqual(['pause', 'resume', 'abort stop']);
    expect(failed).toEqual([]);
    expect(forwarding).toMatchObject({ aborted: true, reason: new Error('stop') });
  });

  it('with no attempt in flight, an abort fails the request itself and aborts the signal, made before or after', () => {
    const failed: Error[] = [];
    const early = new ForwardingController((reason) => failed.push(reason));
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.abort(new Error('caller gave up'));
    expect(signal.reason).toEqual(new Error('caller gave up'));
    expect(failed).toEqual([new Error('caller gave up')]);

    const late = new ForwardingController(() => undefined);
    late.abort(new Error('before anyone asked'));
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toEqual(new Error('before anyone asked'));
  });
});
