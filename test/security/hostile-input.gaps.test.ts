import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSnapshotShim, type SnapshotDownload } from '../../src/index.js';
import { completedJob, exact, expectClearRefusal, refusal, useNoNetwork, VALID } from './helpers/no-network.js';
import { hostileFor, NOT_OBJECTS, without } from './hostile-values.js';

/**
 * Gaps the hostile-input tests found in files outside this change (see the report): each
 * test states the behaviour required and fails today, which `it.fails` records. When the
 * fix lands, the test starts passing, `it.fails` reports it, and it should become a plain
 * `it` in hostile-input.facade.test.ts.
 */

const io = useNoNetwork();

describe('known gaps (fixes belong in the facade and workflow files)', () => {
  const running = (): SnapshotDownload => completedJob({ status: 'RUNNING', snapshotUrl: undefined });
  // Here the requests a gap lets through are part of what fails the test, not the next one's afterEach.
  afterEach(() => void io.dispatched.splice(0));

  it.fails.each(NOT_OBJECTS)('getDownload refuses options that are %s, before any request', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.shim.getDownload(running(), value as never)), exact('options'));
    expect(io.dispatched).toEqual([]);
  });

  it.fails.each(NOT_OBJECTS)('waitForDownload refuses options that are %s, before any request', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.shim.waitForDownload(running(), value as never)), exact('options'));
    expect(io.dispatched).toEqual([]);
  });

  it.fails.each(without(hostileFor('signal'), 'undefined'))('waitForDownload refuses a signal that is %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.shim.waitForDownload(running(), { signal: value } as never)), exact('options.signal'));
  });

  it.fails('waitForDownload refuses a job that is null with a ValidationError, not a TypeError', async () => {
    expectClearRefusal(await refusal(() => io.shim.waitForDownload(null as never)), exact('download'));
  });

  it.fails.each(NOT_OBJECTS)('saveSnapshot refuses options that are %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.shim.saveSnapshot(completedJob(), join(io.dir, 'x.tar.gz'), value as never)), exact('options'));
    expect(io.dispatched).toEqual([]);
  });

  it.fails.each([
    ['pollIntervalMs', -1],
    ['timeoutMs', 'soon'],
    ['onStatus', 'log'],
    ['resume', 'yes'],
    ['onProgress', 42],
    ['maxResumeAttempts', -1],
  ])('download refuses %s = %o before it requests a download job', async (option, value) => {
    const destination = join(io.dir, 'x.tar.gz');
    expectClearRefusal(
      await refusal(() => io.shim.download({ groupId: VALID.groupId, clusterName: VALID.clusterName, snapshotId: VALID.snapshotId, destination, [option]: value } as never)),
      exact(option),
    );
    expect(io.dispatched).toEqual([]);
  });

  it.fails('createSnapshotShim refuses a baseUrl whose host name is longer than DNS allows (a 1 MB one)', async () => {
    const error = await refusal(async () => {
      // Accepted today: close what was created, so the gap costs nothing but this failure.
      await createSnapshotShim({ baseUrl: `https://${'a'.repeat(1_000_000)}.example.com`, credentials: { publicKey: 'p', privateKey: 'k' } }).close();
    });
    expectClearRefusal(error, exact('options.baseUrl'));
  });
});
