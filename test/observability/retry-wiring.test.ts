import type { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshotShim, type SnapshotDownload } from '../../src/index.js';
import { recordChannels, type ChannelRecorder } from './channel-recorder.js';
import { mockAtlasWithToken } from '../unit/helpers/mock-atlas.js';

// A mocked loopback origin: nothing leaves the process, and the retry loop of the real client runs.
const ORIGIN = 'http://127.0.0.1:9';
const groupId = '5f1a2b3c4d5e6f7a8b9c0d1e';
const jobId = '7b2c3d4e5f6a7b8c9d0e1f2a';
const jobPath = `/api/atlas/v2/groups/${groupId}/flexClusters/flex-1/backup/restoreJobs/${jobId}`;
const FLEX_JSON = { 'content-type': 'application/vnd.atlas.2024-11-13+json' };

let agent: MockAgent;
let recorder: ChannelRecorder;

beforeEach(() => {
  agent = mockAtlasWithToken(ORIGIN);
  recorder = recordChannels();
});
afterEach(async () => {
  recorder.stop();
  await agent.close();
});

describe('retries, as the client reports them through publishRetry', () => {
  it('a 503 then a 200: one retry message, and the request trace and log record say attempt 2', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: jobPath, method: 'GET' }).reply(503, { error: 503, errorCode: 'SERVICE_UNAVAILABLE' }, { headers: FLEX_JSON });
    pool.intercept({ path: jobPath, method: 'GET' }).reply(200, { id: jobId, status: 'RUNNING', instanceName: 'flex-1' }, { headers: FLEX_JSON });
    const logged: Array<[string, Record<string, unknown>]> = [];
    const record = (level: string) => (fields: object, msg?: string) => void logged.push([`${level} ${msg}`, fields as Record<string, unknown>]);
    const shim = createSnapshotShim({
      baseUrl: ORIGIN,
      credentials: { clientId: 'mdb_sa_id_test', clientSecret: 'mdb_sa_sk_secret' },
      dispatcher: agent,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    });
    const download = { route: 'flex', id: jobId, projectId: groupId, clusterName: 'flex-1' } as unknown as SnapshotDownload;
    const fresh = await shim.getDownload(download);
    await shim.close();

    expect(fresh.status).toBe('RUNNING');
    expect(recorder.of('retry')).toEqual([
      { method: 'GET', path: jobPath, operation: 'getFlexRestoreJob', attempt: 1, delayMs: expect.any(Number), status: 503, errorCode: 'SERVICE_UNAVAILABLE' },
    ]);
    expect(recorder.of('request', 'asyncEnd')).toEqual([expect.objectContaining({ operation: 'getFlexRestoreJob', status: 200, attempt: 2 })]);
    expect(logged.map(([what, fields]) => [what, fields.attempt])).toEqual([
      ['debug Atlas request retried', 1],
      ['debug Atlas request answered', 2],
    ]);
  });
});
