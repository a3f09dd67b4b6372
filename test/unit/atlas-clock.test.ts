import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_THRESHOLD_MS, correctedOffset, learnedClock, trustedClock } from '../../src/atlas/atlas-clock.js';

const DAY = 86_400_000;
const LOCAL = Date.parse('2026-12-03T12:00:00.000Z');
const httpDate = (ms: number): string => new Date(ms).toUTCString();

describe('correctedOffset', () => {
  it('takes the new difference when the corrected clock is 30 s or more off the answer', () => {
    expect(correctedOffset(LOCAL + 400 * DAY, LOCAL, 0)).toBe(400 * DAY);
    expect(correctedOffset(LOCAL - 400 * DAY, LOCAL, 0)).toBe(-400 * DAY);
    expect(correctedOffset(LOCAL + CLOCK_SKEW_THRESHOLD_MS, LOCAL, 0)).toBe(CLOCK_SKEW_THRESHOLD_MS);
  });
  it('keeps the offset it has while the answer agrees within the threshold (Date has one-second resolution)', () => {
    expect(correctedOffset(LOCAL + 999, LOCAL, 0)).toBe(0);
    expect(correctedOffset(LOCAL + 29_999, LOCAL, 0)).toBe(0);
    expect(correctedOffset(LOCAL + 400 * DAY + 800, LOCAL, 400 * DAY)).toBe(400 * DAY);
    // Back to agreeing with the machine: the old offset is dropped.
    expect(correctedOffset(LOCAL, LOCAL, 400 * DAY)).toBe(0);
  });
  it('ignores an unreadable date', () => {
    expect(correctedOffset(Number.NaN, LOCAL, 5 * DAY)).toBe(5 * DAY);
  });
});

describe('learnedClock', () => {
  it('is the machine clock until an answer says otherwise, then the machine clock plus the learned offset', () => {
    let local = LOCAL;
    const clock = learnedClock(() => local);
    expect(clock.now().getTime()).toBe(LOCAL);
    clock.observe(httpDate(LOCAL - 400 * DAY));
    expect(clock.now().getTime()).toBe(LOCAL - 400 * DAY);
    local += 60_000;
    expect(clock.now().getTime()).toBe(LOCAL - 400 * DAY + 60_000);
  });
  it('ignores an absent or unreadable Date header', () => {
    const clock = learnedClock(() => LOCAL);
    clock.observe(undefined);
    clock.observe('yesterday');
    expect(clock.now().getTime()).toBe(LOCAL);
  });
  it('reads all three HTTP-date forms', () => {
    const clock = learnedClock(() => LOCAL);
    clock.observe('Sun Mar  1 12:00:00 2026');
    expect(clock.now().toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });
});

describe('trustedClock', () => {
  it('is the given clock, whatever the answers say', () => {
    const pinned = new Date('2026-02-01T00:00:00Z');
    const clock = trustedClock(() => pinned);
    clock.observe(httpDate(LOCAL));
    expect(clock.now()).toBe(pinned);
  });
});
