import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { ATLAS_OPERATIONS, atlasOperationOf, atlasPath, existsIn, matchAtlasPath, type AtlasOperationId } from '../../src/atlas/operations.js';
import { AtlasApiError } from '../../src/errors/atlas-errors.js';
import { DIAGNOSTICS_CHANNELS, type RetryChannelMessage } from '../../src/index.js';
import { reportRetry, traceAtlasCall, type AtlasCallTrace } from '../../src/observability/observer.js';
import { createShimLog } from '../../src/observability/shim-logger.js';
import { recordChannels } from './channel-recorder.js';

const GROUP = '0123456789abcdef01234567';
const JOB = 'abcdefabcdefabcdefabcdef';
const OPERATION_IDS = Object.keys(ATLAS_OPERATIONS) as AtlasOperationId[];

describe('atlasOperationOf', () => {
  it('names every operation of the table from its method and the path the client builds', () => {
    expect(OPERATION_IDS).toHaveLength(14);
    for (const operationId of OPERATION_IDS) {
      const path = atlasPath(operationId, { groupId: GROUP, clusterName: 'Cluster-0', itemId: JOB });
      expect(atlasOperationOf(ATLAS_OPERATIONS[operationId].method, path), path).toBe(operationId);
      expect(matchAtlasPath(path)?.apiVersion, path).toBe('v2');
    }
  });

  it('names the two cluster lists from the project path alone, with no cluster', () => {
    const clusters = atlasPath('listClusters', { groupId: GROUP, clusterName: '' });
    const flexClusters = atlasPath('listFlexClusters', { groupId: GROUP, clusterName: '' });
    expect([clusters, flexClusters]).toEqual([`/api/atlas/v2/groups/${GROUP}/clusters`, `/api/atlas/v2/groups/${GROUP}/flexClusters`]);
    expect(matchAtlasPath(clusters)).toEqual({ operationIds: ['listClusters'], params: { groupId: GROUP, clusterName: '', itemId: undefined }, apiVersion: 'v2' });
    expect(atlasOperationOf('GET', flexClusters)).toBe('listFlexClusters');
    expect(atlasOperationOf('POST', clusters)).toBeUndefined();
  });

  it('names the five tenant operations under their v1.0 paths, and no other operation there', () => {
    const v1 = OPERATION_IDS.filter((operationId) => existsIn(operationId, 'v1.0'));
    expect(v1.sort()).toEqual(OPERATION_IDS.filter((operationId) => ATLAS_OPERATIONS[operationId].family === 'tenant').sort());
    expect(v1).toHaveLength(5);
    for (const operationId of OPERATION_IDS) {
      const v2Path = atlasPath(operationId, { groupId: GROUP, clusterName: 'Cluster-0', itemId: JOB });
      const v1Path = v2Path.replace('/api/atlas/v2/', '/api/atlas/v1.0/');
      const { method } = ATLAS_OPERATIONS[operationId];
      if (!v1.includes(operationId)) {
        expect(atlasOperationOf(method, v1Path), v1Path).toBeUndefined();
        continue;
      }
      expect(atlasPath(operationId, { groupId: GROUP, clusterName: 'Cluster-0', itemId: JOB }, 'v1.0')).toBe(v1Path);
      expect(atlasOperationOf(method, v1Path), v1Path).toBe(operationId);
      expect(matchAtlasPath(v1Path), v1Path).toMatchObject({ apiVersion: 'v1.0', params: { groupId: GROUP, clusterName: 'Cluster-0' } });
    }
    const download = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster-0/backup/tenant/download`;
    expect(atlasOperationOf('POST', download)).toBe('downloadClusterBackupTenant');
    expect(atlasOperationOf('GET', download)).toBeUndefined();
    // Another version segment is no API the table knows.
    expect(atlasOperationOf('POST', download.replace('/v1.0/', '/v1/'))).toBeUndefined();
  });
  it('knows no other path, nor a path with a query, an extra segment or another method', () => {
    expect(atlasOperationOf('POST', '/api/oauth/token')).toBeUndefined();
    expect(atlasOperationOf('GET', '/snapshot-files/abc/def.tar.gz')).toBeUndefined();
    expect(atlasOperationOf('GET', `${atlasPath('getCluster', { groupId: GROUP, clusterName: 'c' })}/extra`)).toBeUndefined();
    expect(atlasOperationOf('GET', `${atlasPath('listFlexRestoreJobs', { groupId: GROUP, clusterName: 'c' })}?pageNum=2`)).toBeUndefined();
    expect(atlasOperationOf('GET', atlasPath('downloadFlexBackup', { groupId: GROUP, clusterName: 'c' }))).toBeUndefined();
  });
});

const call = { operationId: 'getFlexRestoreJob', method: 'GET', path: atlasPath('getFlexRestoreJob', { groupId: GROUP, clusterName: 'c', itemId: JOB }) } as const;
const answer = { status: 200, body: { snapshotUrl: 'https://host/f?sig=SECRET' } };

/** A call that runs `during` with its trace (as the client's retry loop would) and answers 200. */
function slowCall(during: (trace: AtlasCallTrace | undefined) => void = () => {}) {
  return async (trace: AtlasCallTrace | undefined) => {
    await Promise.resolve();
    during(trace);
    await new Promise((resolve) => setTimeout(resolve, 1));
    return answer;
  };
}

describe('traceAtlasCall', () => {
  it('with no subscriber and no logger, runs the call without a trace and hands its promise back as it is', () => {
    const promise = Promise.resolve(answer);
    const seen: Array<AtlasCallTrace | undefined> = [];
    expect(
      traceAtlasCall(undefined, call, (trace) => {
        seen.push(trace);
        return promise;
      }),
    ).toBe(promise);
    expect(seen).toEqual([undefined]);
  });

  it('returns the answer, but never puts it in the trace', async () => {
    const recorder = recordChannels();
    try {
      expect(await traceAtlasCall(undefined, call, slowCall())).toBe(answer);
      expect(recorder.of('request', 'asyncEnd')).toEqual([
        { method: 'GET', path: call.path, operation: 'getFlexRestoreJob', attempt: 1, status: 200, durationMs: expect.any(Number), errorCode: undefined, result: undefined },
      ]);
      expect(recorder.text()).not.toContain('SECRET');
    } finally {
      recorder.stop();
    }
  });

  it("a failed call is traced with its status and errorCode (Atlas's, else the error's code), and rejects with the same error", async () => {
    const recorder = recordChannels();
    try {
      const refusal = new AtlasApiError({ status: 404, request: { method: 'GET', path: call.path }, errorCode: 'RESOURCE_NOT_FOUND' });
      await expect(traceAtlasCall(undefined, call, () => Promise.reject(refusal))).rejects.toBe(refusal);
      const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      await expect(traceAtlasCall(undefined, call, () => Promise.reject(reset))).rejects.toBe(reset);
      expect(recorder.of('request', 'error')).toEqual([
        expect.objectContaining({ status: 404, errorCode: 'RESOURCE_NOT_FOUND', error: refusal }),
        expect.objectContaining({ status: undefined, errorCode: 'ECONNRESET', error: reset }),
      ]);
    } finally {
      recorder.stop();
    }
  });
});

describe('reportRetry', () => {
  it('publishes on the retry channel with the operation it was given', () => {
    const seen: RetryChannelMessage[] = [];
    const listener = (message: unknown) => void seen.push(message as RetryChannelMessage);
    diagnosticsChannel.subscribe(DIAGNOSTICS_CHANNELS.retry, listener);
    const download = { operationId: 'downloadFlexBackup', method: 'POST', path: atlasPath('downloadFlexBackup', { groupId: GROUP, clusterName: 'c' }) } as const;
    try {
      reportRetry(undefined, { attempt: 1, delayMs: 250, status: 503, errorCode: undefined }, download);
      reportRetry(undefined, { attempt: 2, delayMs: 500, status: undefined, errorCode: 'ECONNRESET' }, call);
    } finally {
      diagnosticsChannel.unsubscribe(DIAGNOSTICS_CHANNELS.retry, listener);
    }
    expect(seen).toEqual([
      { method: 'POST', path: download.path, operation: 'downloadFlexBackup', attempt: 1, delayMs: 250, status: 503, errorCode: undefined },
      { method: 'GET', path: call.path, operation: 'getFlexRestoreJob', attempt: 2, delayMs: 500, status: undefined, errorCode: 'ECONNRESET' },
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
      await traceAtlasCall(
        log,
        call,
        slowCall((trace) => {
          reportRetry(trace, { attempt: 1, delayMs: 10, status: 429, errorCode: 'RATE_LIMITED' }, call);
          reportRetry(trace, { attempt: 2, delayMs: 20, status: 503, errorCode: undefined }, call);
        }),
      );
      // Outside any call, a retry report changes no call's count.
      reportRetry(undefined, { attempt: 7, delayMs: 1, status: undefined, errorCode: undefined }, call);
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
      await Promise.all([
        traceAtlasCall(undefined, call, slowCall((trace) => reportRetry(trace, { attempt: 1, delayMs: 1, status: undefined, errorCode: undefined }, call))),
        traceAtlasCall(undefined, call, slowCall()),
      ]);
    } finally {
      recorder.stop();
    }
    expect(recorder.of('request', 'asyncEnd').map((m) => m.attempt).sort()).toEqual([1, 2]);
  });
});
