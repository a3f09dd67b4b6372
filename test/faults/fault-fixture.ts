import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  createSnapshotShim,
  type RetryTimer,
  type RoutedSnapshotDownload,
  type SnapshotDownload,
  type SnapshotShim,
  type SnapshotShimOptions,
} from '../../src/index.js';
import { startAtlasSimulator, type AtlasSimulator, type AtlasSimulatorOptions } from '../../src/simulator/index.js';

/** The Atlas clock of every fault test: pinned before the sunset, shared by the simulator and the shim. */
export const CLOCK = new Date('2025-10-01T12:00:00Z');

/** A retry timer whose waits are instant and recorded; its clock moves by each wait, so time budgets still bind. */
export interface RecordingTimer extends RetryTimer {
  /** Every wait asked for, in milliseconds, in order. */
  readonly sleeps: number[];
}

/** A {@link RecordingTimer}. */
export function recordingTimer(): RecordingTimer {
  const sleeps: number[] = [];
  let waited = 0;
  return {
    sleeps,
    now: () => performance.now() + waited,
    async sleep(ms, signal) {
      signal.throwIfAborted();
      sleeps.push(ms);
      waited += ms;
    },
  };
}

/** The error a promise rejects with; a resolution fails the test. */
export function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

/** A simulator pinned at {@link CLOCK}, with fast jobs. */
function startSimulator(options: AtlasSimulatorOptions = {}): Promise<AtlasSimulator> {
  return startAtlasSimulator({ now: () => CLOCK, jobDurationMs: 100, ...options });
}

/** Shims created by {@link shimFor}, to close after each test. */
export const openShims: SnapshotShim[] = [];

/**
 * A shim on the simulator: API key, route `flex` (the POST needs no cluster-kind look-up),
 * the pinned clock, and a deterministic jitter (0.5) unless the options say otherwise.
 */
export function shimFor(sim: AtlasSimulator, options: Partial<SnapshotShimOptions> = {}): SnapshotShim {
  const shim = createSnapshotShim({
    baseUrl: sim.url,
    credentials: sim.apiKey,
    now: () => CLOCK,
    route: 'flex',
    ...options,
    retry: { random: () => 0.5, ...options.retry },
  });
  openShims.push(shim);
  return shim;
}

/**
 * Gets the shim past the digest challenge of first contact (a read of a job that does not
 * exist), and clears the log: the faults a test arms then hit signed requests only.
 */
export async function warmUp(shim: SnapshotShim, sim: AtlasSimulator): Promise<void> {
  const nobody = { route: 'flex', id: 'f'.repeat(24), projectId: sim.groupId, clusterName: sim.clusters.flex } as SnapshotDownload;
  await shim.getDownload(nobody).catch(() => undefined);
  sim.clearRequests();
}

/** Requests the simulator logged for an operation, the digest challenges (401 without a fault) left out. */
export function requestsOf(sim: AtlasSimulator, operationId: string) {
  return sim.requests.filter((record) => record.operationId === operationId && !(record.status === 401 && record.fault === undefined));
}

/** A simulator each test starts for itself (see {@link useFreshSimulator}). */
export interface FreshSimulator {
  /** The simulator the current test started last. */
  readonly sim: AtlasSimulator;
  /** Starts the current test's simulator ({@link startSimulator} with `options`). */
  start(options?: AtlasSimulatorOptions): Promise<AtlasSimulator>;
}

/**
 * For files whose every test starts its own simulator (with the Atlas clock pinned, every
 * job is "recent", so an earlier test's job would be adopted): after each test, the shims
 * of {@link shimFor} are closed and the simulator is stopped.
 */
export function useFreshSimulator(): FreshSimulator {
  const fx: FreshSimulator & { sim: AtlasSimulator } = {
    sim: undefined as unknown as AtlasSimulator,
    async start(options = {}) {
      fx.sim = await startSimulator(options);
      return fx.sim;
    },
  };
  afterEach(async () => {
    await Promise.all(openShims.splice(0).map((shim) => shim.close()));
    await fx.sim?.stop();
  });
  return fx;
}

/** The read the Flex job tests fault: the poll of a restore job. */
export const READ = 'getFlexRestoreJob';

/** One simulator and one completed Flex download job for a file's tests (see {@link useFlexJob}). */
export interface FlexJobFixture {
  readonly sim: AtlasSimulator;
  /** A Flex download job, requested before the tests. */
  readonly job: RoutedSnapshotDownload;
  /** A shim whose waits are recorded and instant, warmed up so the digest challenge is behind it. */
  warmShim(options?: Partial<SnapshotShimOptions>): Promise<{ shim: SnapshotShim; timer: RecordingTimer }>;
  /** The statuses of the {@link READ} requests logged. */
  statuses(): number[];
}

/**
 * For files that fault the reads of one job: a simulator and a Flex download job made
 * before the tests; after each, the shims are closed, the faults disarmed, the log cleared.
 */
export function useFlexJob(): FlexJobFixture {
  const fx: FlexJobFixture & { sim: AtlasSimulator; job: RoutedSnapshotDownload } = {
    sim: undefined as unknown as AtlasSimulator,
    job: undefined as unknown as RoutedSnapshotDownload,
    async warmShim(options = {}) {
      const timer = recordingTimer();
      const shim = shimFor(fx.sim, { ...options, retry: { timer, ...options.retry } });
      await shim.getDownload(fx.job);
      fx.sim.clearRequests();
      return { shim, timer };
    },
    statuses: () => requestsOf(fx.sim, READ).map((record) => record.status),
  };
  beforeAll(async () => {
    fx.sim = await startSimulator();
    const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.flex)[0] as string;
    fx.job = await shimFor(fx.sim).downloadSnapshot({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId });
  });
  afterEach(async () => {
    await Promise.all(openShims.splice(0).map((shim) => shim.close()));
    fx.sim.faults.clear();
    fx.sim.clearRequests();
  });
  afterAll(async () => {
    await fx.sim.stop();
  });
  return fx;
}
