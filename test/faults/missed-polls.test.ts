import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtlasApiError, JobPollError, type PollMissedEvent, type ShimEvent } from '../../src/index.js';
import { recordChannels } from '../observability/channel-recorder.js';
import { failureOf, READ, useFlexJob } from './fault-fixture.js';

// The soak's last failures: job polls answered with an HTML page or a 500, more often than one
// call's retries absorb. Each such poll is a missed poll; the wait goes on.
const fx = useFlexJob();
const { warmShim, statuses } = fx;
const FAST = { pollIntervalMs: 1, maxPollIntervalMs: 1 };

describe('a poll that fails after its retries is a missed poll, and the wait goes on', () => {
  it('HTML pages and 500s on two whole polls (5 attempts each): reported as events, on the channel and in the log; the job completes', async () => {
    const events: ShimEvent[] = [];
    const warnings: Array<{ fields: unknown; message: string | undefined }> = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn(fields: unknown, message?: string) {
        warnings.push({ fields, message });
      },
    };
    const { shim } = await warmShim({ onEvent: (event) => events.push(event), logger });
    fx.sim.faults.inject({ kind: 'wrong-content-type', operationId: READ, times: 5 });
    fx.sim.faults.inject({ kind: 'server-error', status: 500, operationId: READ, times: 5 });
    const recorder = recordChannels();
    const hooked: number[] = [];
    try {
      const done = await shim.waitForDownload(fx.job, { ...FAST, onMissedPoll: (miss) => hooked.push(miss.missedPolls) });
      expect(done.status).toBe('COMPLETED');
    } finally {
      recorder.stop();
    }
    // Five HTML pages (200) and five 500s, then answers until the job, which may still be running, completes.
    expect(statuses().slice(0, 10)).toEqual([200, 200, 200, 200, 200, 500, 500, 500, 500, 500]);
    expect(new Set(statuses().slice(10))).toEqual(new Set([200]));
    const missed = events.filter((event): event is PollMissedEvent => event.type === 'poll-missed');
    expect(missed).toEqual([
      {
        type: 'poll-missed',
        groupId: fx.sim.groupId,
        clusterName: fx.sim.clusters.flex,
        jobId: fx.job.id,
        route: 'flex',
        missedPolls: 1,
        maxMissedPolls: 5,
        failure: 'AtlasResponseError HTTP 200',
        status: 200,
      },
      {
        type: 'poll-missed',
        groupId: fx.sim.groupId,
        clusterName: fx.sim.clusters.flex,
        jobId: fx.job.id,
        route: 'flex',
        missedPolls: 2,
        maxMissedPolls: 5,
        failure: 'AtlasApiError HTTP 500 UNEXPECTED_ERROR',
        status: 500,
      },
    ]);
    expect(hooked).toEqual([1, 2]);
    expect(recorder.of('pollMissed')).toEqual(missed.map(({ type: _type, ...message }) => message));
    expect(warnings.filter((w) => /a poll of the download job failed/.test(w.message ?? '')).map((w) => w.message)).toEqual([
      'a poll of the download job failed (AtlasResponseError HTTP 200); the wait goes on (1 of 5 missed polls in a row allowed)',
      'a poll of the download job failed (AtlasApiError HTTP 500 UNEXPECTED_ERROR); the wait goes on (2 of 5 missed polls in a row allowed)',
    ]);
  });

  it('maxMissedPolls + 1 failed polls in a row end the wait with JobPollError, the last AtlasApiError as its cause', async () => {
    const { shim } = await warmShim({ retry: { limit: 1 } });
    fx.sim.faults.inject({ kind: 'server-error', status: 503, operationId: READ, times: 6 });
    const error = await failureOf(shim.waitForDownload(fx.job, { ...FAST, maxMissedPolls: 2 }));
    expect(error).toBeInstanceOf(JobPollError);
    expect(error).toMatchObject({ code: 'JOB_POLL_FAILED', missedPolls: 3, job: { id: fx.job.id } });
    expect((error as JobPollError).cause).toBeInstanceOf(AtlasApiError);
    expect(((error as JobPollError).cause as AtlasApiError).status).toBe(503);
    expect(statuses()).toEqual([503, 503, 503, 503, 503, 503]);
  });

  it('download() to a real file: polls answered HTML and 500 past their retries, and the file is whole', async () => {
    const events: ShimEvent[] = [];
    const { shim } = await warmShim({ retry: { limit: 1 }, onEvent: (event) => events.push(event) });
    const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-missed-'));
    try {
      const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.flex)[1] as string;
      fx.sim.faults.inject({ kind: 'wrong-content-type', operationId: READ, times: 2 });
      fx.sim.faults.inject({ kind: 'server-error', status: 500, operationId: READ, times: 2 });
      const destination = join(dir, 'snapshot.tar.gz');
      const result = await shim.download({ groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId, destination, ...FAST });
      expect(result.sha256).toBe(fx.sim.snapshotSha256(snapshotId));
      expect(await readdir(dir)).toEqual(['snapshot.tar.gz']);
      expect(events.filter((event) => event.type === 'poll-missed').map((event) => (event as PollMissedEvent).missedPolls)).toEqual([1, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waitForDownload refuses an onMissedPoll that is not a function, before any poll', async () => {
    const { shim } = await warmShim();
    const error = await failureOf(shim.waitForDownload(fx.job, { onMissedPoll: 'log' as never }));
    expect(error).toMatchObject({ name: 'ValidationError', field: 'options.onMissedPoll' });
    expect(fx.sim.requests).toEqual([]);
  });

  it('download() passes maxMissedPolls and onMissedPoll on to the wait', async () => {
    const { shim } = await warmShim({ retry: { limit: 0 } });
    fx.sim.faults.inject({ kind: 'server-error', status: 500, operationId: READ, times: 1 });
    const input = { groupId: fx.sim.groupId, clusterName: fx.sim.clusters.flex, snapshotId: fx.job.snapshotId as string, destination: '/nonexistent-dir/x' };
    // Both are checked with the other options, before the job is requested.
    await expect(shim.download({ ...input, maxMissedPolls: -1 })).rejects.toMatchObject({ field: 'maxMissedPolls' });
    await expect(shim.download({ ...input, onMissedPoll: 'log' as never })).rejects.toMatchObject({ field: 'onMissedPoll' });
    expect(fx.sim.requests).toEqual([]);
  });
});
