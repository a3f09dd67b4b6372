import { describe, expect, it } from 'vitest';
import { DownloadFailedError, JobPollError } from '../../src/errors/download-errors.js';
import { AtlasApiError, AtlasConnectionError, AtlasResponseError, TimeoutError } from '../../src/errors/atlas-errors.js';
import { ValidationError } from '../../src/errors/shim-error.js';
import { normalizeFlexRestoreJob } from '../../src/model/normalize.js';
import type { SnapshotDownload } from '../../src/model/snapshot-download.js';
import { pollDelay } from '../../src/facade/wait-for-download.js';
import { resolveWaitOptions, waitForDownload } from '../../src/facade/wait-for-download.js';

const job = (status: string): SnapshotDownload => normalizeFlexRestoreJob({ id: 'a'.repeat(24), status, instanceName: 'c' });

function sequence(...statuses: string[]) {
  let index = 0;
  const calls: number[] = [];
  const reread = async () => {
    calls.push(performance.now());
    const status = statuses[Math.min(index, statuses.length - 1)] as string;
    index += 1;
    return job(status);
  };
  return { reread, calls };
}

describe('pollDelay', () => {
  const schedule = { pollIntervalMs: 1000, maxPollIntervalMs: 5000 };
  it('starts near the interval, grows, and is capped', () => {
    expect(pollDelay(0, schedule, () => 0.5)).toBe(1000);
    expect(pollDelay(1, schedule, () => 0.5)).toBe(1500);
    expect(pollDelay(2, schedule, () => 0.5)).toBe(2250);
    expect(pollDelay(20, schedule, () => 0.5)).toBe(5000);
    expect(pollDelay(20, schedule, () => 1)).toBe(5000);
  });
  it('jitters within ±10 %', () => {
    expect(pollDelay(0, schedule, () => 0)).toBe(900);
    expect(pollDelay(0, schedule, () => 0.999999)).toBe(1100);
  });
});

describe('waitForDownload', () => {
  it('polls until COMPLETED, reporting each status change, unknown ones included', async () => {
    const { reread } = sequence('QUEUED', 'QUEUED', 'SOMETHING_NEW', 'RUNNING', 'COMPLETED');
    const seen: (string | undefined)[] = [];
    const done = await waitForDownload(job('PENDING'), reread, { pollIntervalMs: 1, maxPollIntervalMs: 2, onStatus: (j) => seen.push(j.status) });
    expect(done.status).toBe('COMPLETED');
    expect(seen).toEqual(['QUEUED', 'SOMETHING_NEW', 'RUNNING', 'COMPLETED']);
  });
  it('returns a COMPLETED job at once without polling', async () => {
    const { reread, calls } = sequence('FAILED');
    expect((await waitForDownload(job('COMPLETED'), reread)).status).toBe('COMPLETED');
    expect(calls).toHaveLength(0);
  });
  it('throws DownloadFailedError carrying the job when Atlas says FAILED', async () => {
    const { reread } = sequence('RUNNING', 'FAILED');
    const error = await waitForDownload(job('PENDING'), reread, { pollIntervalMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadFailedError);
    expect((error as DownloadFailedError).job.status).toBe('FAILED');
    expect((error as Error).message).toMatch(/FAILED.*new download/);
  });
  it('times out with the time waited and the last status', async () => {
    const { reread } = sequence('RUNNING');
    const error = await waitForDownload(job('PENDING'), reread, { pollIntervalMs: 5, maxPollIntervalMs: 5, timeoutMs: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).lastStatus).toBe('RUNNING');
    expect((error as TimeoutError).waitedMs).toBeGreaterThanOrEqual(50);
    expect((error as Error).message).toMatch(/timed out after \d+ ms; the last status seen was RUNNING/);
  });
  it('stops when the signal aborts, with its reason', async () => {
    const { reread } = sequence('RUNNING');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 30);
    await expect(waitForDownload(job('PENDING'), reread, { pollIntervalMs: 5, signal: controller.signal })).rejects.toThrow('enough');
  });
  it('spaces polls by a growing delay', async () => {
    const { reread, calls } = sequence('RUNNING', 'RUNNING', 'RUNNING', 'COMPLETED');
    const start = performance.now();
    await waitForDownload(job('PENDING'), reread, { pollIntervalMs: 20, maxPollIntervalMs: 1000 });
    const gaps = calls.map((t, i) => t - (i === 0 ? start : (calls[i - 1] as number)));
    expect(gaps[0]).toBeGreaterThanOrEqual(17);
    expect(gaps[3]).toBeGreaterThan(gaps[0] as number);
  });
  it('refuses wrong options before polling', async () => {
    const { reread, calls } = sequence('COMPLETED');
    for (const options of [{ timeoutMs: 0 }, { pollIntervalMs: -1 }, { pollIntervalMs: 1.5 }, { onStatus: 'x' }]) {
      await expect(waitForDownload(job('PENDING'), reread, options as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(calls).toHaveLength(0);
  });
});

describe('waitForDownload: missed polls', () => {
  const request = { method: 'GET' as const, path: '/api/atlas/v2/groups/g/flexClusters/c/backup/restoreJobs/j' };
  const transient = [
    new AtlasApiError({ status: 500, request, errorCode: 'UNEXPECTED_ERROR' }),
    new AtlasApiError({ status: 503, request }),
    new AtlasApiError({ status: 429, request, errorCode: 'RATE_LIMITED' }),
    new AtlasResponseError('expected a JSON body, got content-type text/html', 200, request),
    new AtlasConnectionError(request, 'ECONNRESET', 5, { cause: new Error('reset') }),
    new TimeoutError('Atlas call GET … (retries included)', 300_000),
  ];

  /** Answers each poll from `script`: a status, or an error to throw. */
  function scripted(...script: Array<string | Error>) {
    let index = 0;
    return async () => {
      const step = script[Math.min(index, script.length - 1)] as string | Error;
      index += 1;
      if (step instanceof Error) throw step;
      return job(step);
    };
  }

  it('a transient failure of every kind is a missed poll: reported, and the wait goes on to COMPLETED', async () => {
    const misses: Array<{ status: string | undefined; missedPolls: number; maxMissedPolls: number; error: unknown }> = [];
    const done = await waitForDownload(job('PENDING'), scripted('RUNNING', ...transient, 'COMPLETED'), {
      pollIntervalMs: 1,
      maxPollIntervalMs: 1,
      maxMissedPolls: transient.length,
      onMissedPoll: ({ job: last, missedPolls, maxMissedPolls, error }) => misses.push({ status: last.status, missedPolls, maxMissedPolls, error }),
    });
    expect(done.status).toBe('COMPLETED');
    expect(misses.map((m) => m.missedPolls)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(misses.map((m) => m.error)).toEqual(transient);
    expect(new Set(misses.map((m) => `${m.status}/${m.maxMissedPolls}`))).toEqual(new Set([`RUNNING/${transient.length}`]));
  });

  it('a good poll resets the count: misses in runs shorter than the bound never end the wait', async () => {
    const fault = transient[0] as Error;
    const script = ['RUNNING', fault, fault, 'RUNNING', fault, fault, 'RUNNING', fault, fault, 'COMPLETED'];
    const done = await waitForDownload(job('PENDING'), scripted(...script), { pollIntervalMs: 1, maxPollIntervalMs: 1, maxMissedPolls: 2 });
    expect(done.status).toBe('COMPLETED');
  });

  it('one more than maxMissedPolls in a row ends the wait with JobPollError carrying the last failure and the job', async () => {
    const last = transient[3] as Error;
    const reported: number[] = [];
    const error = await waitForDownload(job('PENDING'), scripted('QUEUED', transient[0] as Error, transient[1] as Error, last, 'COMPLETED'), {
      pollIntervalMs: 1,
      maxPollIntervalMs: 1,
      maxMissedPolls: 2,
      onMissedPoll: (miss) => reported.push(miss.missedPolls),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobPollError);
    expect((error as JobPollError).cause).toBe(last);
    expect((error as JobPollError).missedPolls).toBe(3);
    expect((error as JobPollError).job.status).toBe('QUEUED');
    expect((error as Error).message).toMatch(/failed 3 times in a row; the last status seen was QUEUED\. The last failure: .*content-type text\/html/);
    expect(reported).toEqual([1, 2]);
  });

  it('maxMissedPolls 0: the first failed poll ends the wait', async () => {
    const error = await waitForDownload(job('PENDING'), scripted(transient[0] as Error), { pollIntervalMs: 1, maxMissedPolls: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobPollError);
    expect((error as JobPollError).missedPolls).toBe(1);
  });

  it('a refusal (404: the job is gone, 401) is no missed poll: it ends the wait at once, as it is', async () => {
    for (const status of [404, 401, 400]) {
      const refusal = new AtlasApiError({ status, request, errorCode: 'RESTORE_JOB_NOT_FOUND' });
      const reported: number[] = [];
      const error = await waitForDownload(job('PENDING'), scripted(refusal, 'COMPLETED'), { pollIntervalMs: 1, onMissedPoll: (m) => reported.push(m.missedPolls) }).catch(
        (e: unknown) => e,
      );
      expect(error).toBe(refusal);
      expect(reported).toEqual([]);
    }
  });

  it('the deadline still ends a wait whose polls all fail, as a TimeoutError', async () => {
    const error = await waitForDownload(job('PENDING'), scripted(transient[0] as Error), {
      pollIntervalMs: 5,
      maxPollIntervalMs: 5,
      timeoutMs: 60,
      maxMissedPolls: 1000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).lastStatus).toBe('PENDING');
  });
});

describe('resolveWaitOptions', () => {
  const fieldOf = (options: unknown, prefix?: string): string => {
    try {
      resolveWaitOptions(options, prefix);
    } catch (error) {
      if (error instanceof ValidationError) return error.field;
      throw error;
    }
    return 'accepted';
  };

  it('applies the documented defaults, and keeps maxPollIntervalMs at least pollIntervalMs', () => {
    expect(resolveWaitOptions(undefined)).toEqual({
      signal: undefined,
      timeoutMs: 1_800_000,
      pollIntervalMs: 2_000,
      maxPollIntervalMs: 15_000,
      onStatus: undefined,
      maxMissedPolls: 5,
      onMissedPoll: undefined,
    });
    expect(resolveWaitOptions({ pollIntervalMs: 20_000, maxPollIntervalMs: 5_000 })).toMatchObject({ pollIntervalMs: 20_000, maxPollIntervalMs: 20_000 });
  });

  it.each([
    [null, 'options'],
    ['fast', 'options'],
    [{ timeoutMs: 0 }, 'options.timeoutMs'],
    [{ pollIntervalMs: 2 ** 31 }, 'options.pollIntervalMs'],
    [{ maxPollIntervalMs: Number.NaN }, 'options.maxPollIntervalMs'],
    [{ onStatus: {} }, 'options.onStatus'],
    [{ maxMissedPolls: -1 }, 'options.maxMissedPolls'],
    [{ maxMissedPolls: 1.5 }, 'options.maxMissedPolls'],
    [{ onMissedPoll: 'log' }, 'options.onMissedPoll'],
    [{ signal: { aborted: false } }, 'options.signal'],
  ])('names a wrong option under options.: %o → %s', (options, field) => {
    expect(fieldOf(options)).toBe(field);
  });

  it('names the fields bare with an empty prefix, as shim.download takes them', () => {
    expect(fieldOf({ timeoutMs: 'soon' }, '')).toBe('timeoutMs');
    expect(fieldOf({ signal: 'abort' }, '')).toBe('signal');
    expect(fieldOf(null, '')).toBe('argument');
  });

  it('waitForDownload refuses a job that is not an object before reading it', async () => {
    const { reread, calls } = sequence('COMPLETED');
    const error = await waitForDownload(null as never, reread).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('download');
    expect(calls).toHaveLength(0);
  });
});
