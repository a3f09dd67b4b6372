import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import type { AtlasAnswer, AtlasCall, AtlasClient } from '../../src/atlas/atlas-client.js';
import { atlasPaths } from '../../src/atlas/endpoints.js';
import { AtlasApiError } from '../../src/errors/atlas-api-error.js';
import { DIAGNOSTICS_CHANNELS, type RetryChannelMessage } from '../../src/index.js';
import { atlasOperationOf } from '../../src/observability/atlas-operation.js';
import { publishRetry } from '../../src/observability/publish-retry.js';
import { failureCodeOf, pathOnly } from '../../src/observability/request-facts.js';
import { createShimLog } from '../../src/observability/shim-logger.js';
import { traceAtlasClient } from '../../src/observability/trace-atlas-client.js';
import { recordChannels } from './channel-recorder.js';

const GROUP = '0123456789abcdef01234567';
const JOB = 'abcdefabcdefabcdefabcdef';

describe('atlasOperationOf', () => {
  it('names every operation the client can call, from the path builders themselves', () => {
    for (const [operationId, build] of Object.entries(atlasPaths)) {
      const path = (build as (...parameters: string[]) => string)(GROUP, 'Cluster-0', JOB);
      expect(atlasOperationOf(path), path).toBe(operationId);
    }
  });
  it('knows no other path, nor a path with a query or an extra segment', () => {
    expect(atlasOperationOf('/api/oauth/token')).toBeUndefined();
    expect(atlasOperationOf('/snapshot-files/abc/def.tar.gz')).toBeUndefined();
    expect(atlasOperationOf(`${atlasPaths.getCluster(GROUP, 'c')}/extra`)).toBeUndefined();
    expect(atlasOperationOf(`${atlasPaths.listFlexRestoreJobs(GROUP, 'c')}?pageNum=2`)).toBeUndefined();
  });
});

describe('pathOnly and failureCodeOf', () => {
  it('drops the query, the fragment and any origin', () => {
    expect(pathOnly('/a/b?pageNum=2')).toBe('/a/b');
    expect(pathOnly('/a/b#x')).toBe('/a/b');
    expect(pathOnly('https://bucket.s3.amazonaws.com/snap.tar.gz?X-Amz-Signature=abc')).toBe('/snap.tar.gz');
    expect(pathOnly('https://user:pw@host/p')).toBe('/p');
  });
  it("prefers Atlas's errorCode, then the error's code", () => {
    const refusal = new AtlasApiError({ status: 429, request: { method: 'GET', path: '/x' }, errorCode: 'RATE_LIMITED' });
    expect(failureCodeOf(refusal)).toBe('RATE_LIMITED');
    expect(failureCodeOf(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(failureCodeOf('nope')).toBeUndefined();
  });
});

/** A client whose call runs `during` (as a retry loop inside the real client would) and answers 200. */
function fakeClient(during: () => void = () => {}): AtlasClient & { answer: AtlasAnswer } {
  const answer: AtlasAnswer = { status: 200, body: { snapshotUrl: 'https://host/f?sig=SECRET' } };
  return {
    answer,
    async call() {
      await Promise.resolve();
      during();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return answer;
    },
  };
}
const call: AtlasCall = { method: 'GET', path: atlasPaths.getFlexRestoreJob(GROUP, 'c', JOB), mediaType: 'application/json' };

describe('traceAtlasClient', () => {
  it('with no subscriber and no logger, hands the call straight to the client', () => {
    const promise = Promise.resolve({ status: 200, body: undefined });
    const client: AtlasClient = { call: () => promise };
    expect(traceAtlasClient(client, undefined).call(call)).toBe(promise);
  });

  it('returns the answer, but never puts it in the trace', async () => {
    const recorder = recordChannels();
    try {
      const client = fakeClient();
      expect(await traceAtlasClient(client, undefined).call(call)).toBe(client.answer);
      expect(recorder.of('request', 'asyncEnd')).toEqual([
        { method: 'GET', path: call.path, operation: 'getFlexRestoreJob', attempt: 1, status: 200, durationMs: expect.any(Number), errorCode: undefined, result: undefined },
      ]);
      expect(recorder.text()).not.toContain('SECRET');
    } finally {
      recorder.stop();
    }
  });

  it('a failed call is traced with its status and errorCode, and rejects with the same error', async () => {
    const recorder = recordChannels();
    try {
      const refusal = new AtlasApiError({ status: 404, request: { method: 'GET', path: call.path }, errorCode: 'RESOURCE_NOT_FOUND' });
      const client: AtlasClient = { call: () => Promise.reject(refusal) };
      await expect(traceAtlasClient(client, undefined).call(call)).rejects.toBe(refusal);
      expect(recorder.of('request', 'error')).toEqual([expect.objectContaining({ status: 404, errorCode: 'RESOURCE_NOT_FOUND', error: refusal })]);
    } finally {
      recorder.stop();
    }
  });
});

describe('publishRetry', () => {
  it('publishes on the retry channel, without the query string of what it was given', () => {
    const seen: RetryChannelMessage[] = [];
    const listener = (message: unknown) => void seen.push(message as RetryChannelMessage);
    diagnosticsChannel.subscribe(DIAGNOSTICS_CHANNELS.retry, listener);
    try {
      publishRetry({ method: 'POST', path: `${atlasPaths.downloadFlexBackup(GROUP, 'c')}?envelope=false`, attempt: 1, delayMs: 250, status: 503 });
      publishRetry({ method: 'GET', path: 'https://storage.example/snap.tar.gz?X-Amz-Signature=SECRET', attempt: 2, delayMs: 500, errorCode: 'ECONNRESET' });
    } finally {
      diagnosticsChannel.unsubscribe(DIAGNOSTICS_CHANNELS.retry, listener);
    }
    expect(seen).toEqual([
      { method: 'POST', path: atlasPaths.downloadFlexBackup(GROUP, 'c'), operation: 'downloadFlexBackup', attempt: 1, delayMs: 250, status: 503, errorCode: undefined },
      { method: 'GET', path: '/snap.tar.gz', operation: undefined, attempt: 2, delayMs: 500, status: undefined, errorCode: 'ECONNRESET' },
    ]);
  });

  it("inside a traced call, advances the call's attempt and logs the retry at debug", async () => {
    const recorder = recordChannels();
    const logged: Array<[string, Record<string, unknown>, string]> = [];
    const log = createShimLog({
      debug: (record, msg) => void logged.push(['debug', record as Record<string, unknown>, msg ?? '']),
      info: () => {},
      warn: () => {},
      error: () => {},
    });
    try {
      const client = fakeClient(() => {
        publishRetry({ method: 'GET', path: call.path, attempt: 1, delayMs: 10, status: 429, errorCode: 'RATE_LIMITED' });
        publishRetry({ method: 'GET', path: call.path, attempt: 2, delayMs: 20, status: 503 });
      });
      await traceAtlasClient(client, log).call(call);
      // Outside any call, a retry report changes no other call's count.
      publishRetry({ method: 'GET', path: call.path, attempt: 7, delayMs: 1 });
    } finally {
      recorder.stop();
    }
    expect(recorder.of('request', 'asyncEnd').map((m) => m.attempt)).toEqual([3]);
    expect(recorder.of('retry').map((m) => m.attempt)).toEqual([1, 2, 7]);
    expect(logged.map(([level, record, msg]) => [level, msg, record.attempt])).toEqual([
      ['debug', 'Atlas request retried', 1],
      ['debug', 'Atlas request retried', 2],
      ['debug', 'Atlas request answered', 3],
    ]);
  });

  it('two concurrent calls count their own retries', async () => {
    const recorder = recordChannels();
    try {
      const retried = fakeClient(() => publishRetry({ method: 'GET', path: call.path, attempt: 1, delayMs: 1 }));
      const clean = fakeClient();
      await Promise.all([traceAtlasClient(retried, undefined).call(call), traceAtlasClient(clean, undefined).call(call)]);
    } finally {
      recorder.stop();
    }
    expect(recorder.of('request', 'asyncEnd').map((m) => m.attempt).sort()).toEqual([1, 2]);
  });
});
