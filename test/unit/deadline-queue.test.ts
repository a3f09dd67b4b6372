import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue, deadlineQueue } from '../../src/retry/deadline-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineQueue', () => {
  it('expires each deadline at its own instant, in order, with one timer', async () => {
    const queue = new DeadlineQueue(40);
    const expired: Array<[string, number]> = [];
    const t0 = performance.now();
    queue.add(performance.now(), () => expired.push(['a', performance.now() - t0]));
    await sleep(20);
    queue.add(performance.now(), () => expired.push(['b', performance.now() - t0]));
    await sleep(80);
    expect(expired.map(([name]) => name)).toEqual(['a', 'b']);
    // Never early; b waited its own 40 ms, not a's.
    expect(expired[0]![1]).toBeGreaterThanOrEqual(39);
    expect(expired[1]![1]).toBeGreaterThanOrEqual(59);
  });

  it('a removed deadline never fires, wherever it stood in the queue', async () => {
    const queue = new DeadlineQueue(20);
    const expired: string[] = [];
    const now = performance.now();
    const entries = ['first', 'middle', 'last'].map((name) => queue.add(now, () => expired.push(name)));
    queue.remove(entries[0]!);
    queue.remove(entries[1]!);
    queue.remove(entries[1]!);
    await sleep(50);
    expect(expired).toEqual(['last']);
    // Emptied and used again: the timer is set afresh.
    queue.add(performance.now(), () => expired.push('again'));
    await sleep(50);
    expect(expired).toEqual(['last', 'again']);
  });

  it('one queue per length, shared while it holds deadlines and forgotten once it empties', async () => {
    const queue = deadlineQueue(15);
    expect(deadlineQueue(15)).toBe(queue);
    expect(deadlineQueue(16)).not.toBe(queue);
    const expired: string[] = [];
    queue.add(performance.now(), () => expired.push('only'));
    await sleep(40);
    expect(expired).toEqual(['only']);
    expect(deadlineQueue(15)).not.toBe(queue);
  });
});
