import { request, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createShimDispatcher } from '../../adapters/undici.js';
import { TENANT_MEDIA_TYPE } from '../../src/atlas/operations.js';
import type { DownloadAdoptedEvent, ShimEvent } from '../../src/observability/shim-events.js';
import type { SimulatorFault } from '../../src/simulator/index.js';
import { recordingTimer, requestsOf, useFreshSimulator } from '../faults/fault-fixture.js';
import { AFTER, serviceAccountToken, SUNSET } from './adapter-fixture.js';

// The adapter's rewritten download POST goes through the shim's client, which retries. A
// POST that fails after Atlas may have created the job must be settled as the facade's is:
// the job is looked for and adopted, or the POST is sent again; the caller's one request
// never leaves two jobs behind, nor fails when the job exists.

// A fresh simulator per test: with the clock pinned every job is "recent", so an earlier test's job would be adopted.
const fx = useFreshSimulator();
let dispatcher: Dispatcher | undefined;
let events: ShimEvent[] = [];

afterEach(async () => {
  await dispatcher?.close();
  dispatcher = undefined;
  events = [];
});

const tenantPath = (tail: string) => `/api/atlas/v2/groups/${fx.sim.groupId}/clusters/${fx.sim.clusters.shared}/backup/tenant/${tail}`;
const adopted = () => events.filter((event): event is DownloadAdoptedEvent => event.type === 'download-adopted');

/**
 * After the sunset, a former M2 cluster's tenant download is rewritten to `downloadFlexBackup`.
 * The shim is warmed up first (its digest handshake done), so the faults hit the signed POST.
 * With `bearer`, the caller sends its own service-account token, which the rewrite keeps.
 */
async function tenantDownloadWith(faults: readonly SimulatorFault[], { bearer = false } = {}) {
  await fx.start({ now: () => AFTER, jobDurationMs: 0 });
  const authorization = bearer ? { authorization: `Bearer ${await serviceAccountToken(fx.sim)}` } : {};
  dispatcher = createShimDispatcher({
    baseUrl: fx.sim.url,
    credentials: fx.sim.apiKey,
    sunsetDate: SUNSET,
    now: () => AFTER,
    onEvent: (event) => events.push(event),
    retry: { timer: recordingTimer(), random: () => 0.5 },
  });
  const legacy = { accept: TENANT_MEDIA_TYPE, ...authorization };
  await (await request(fx.sim.url + tenantPath('snapshots'), { dispatcher, headers: legacy })).body.text();
  fx.sim.clearRequests();
  events = [];
  for (const fault of faults) fx.sim.faults.inject(fault);

  const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.shared)[0] as string;
  const response = await request(fx.sim.url + tenantPath('download'), {
    method: 'POST',
    dispatcher,
    headers: { ...legacy, 'content-type': TENANT_MEDIA_TYPE },
    body: JSON.stringify({ snapshotId, targetDeploymentItemName: fx.sim.clusters.shared }),
  });
  const text = await response.body.text();
  return { snapshotId, status: response.statusCode, contentType: response.headers['content-type'], text, json: JSON.parse(text) as Record<string, unknown> };
}

const posts = () => requestsOf(fx.sim, 'downloadFlexBackup').map((r) => r.status);
const lookups = () => requestsOf(fx.sim, 'listFlexRestoreJobs').length;

describe("a rewritten call with the caller's own Bearer token: the same retries and the same one job", () => {
  const bearer = { bearer: true };
  const auths = () => fx.sim.requests.filter((r) => r.operationId !== undefined).map((r) => r.auth);

  it('a reset after Atlas created the job: the job is looked up with the Bearer token and adopted, never posted again', async () => {
    const reply = await tenantDownloadWith([{ kind: 'reset-after-request', operationId: 'downloadFlexBackup' }], bearer);
    expect(reply.status, reply.text).toBe(200);
    expect(fx.sim.jobsFor(reply.snapshotId).map((job) => job.id)).toEqual([reply.json.id]);
    expect(posts()).toEqual([0]);
    expect(lookups()).toBe(1);
    expect(new Set(auths())).toEqual(new Set(['bearer']));
    expect(adopted()).toEqual([expect.objectContaining({ jobId: reply.json.id, failure: 'ECONNRESET' })]);
  });

  it('a reset before Atlas ran it: nothing to adopt, so the POST is sent again, once', async () => {
    const reply = await tenantDownloadWith([{ kind: 'reset-after-request', operationId: 'downloadFlexBackup', processed: false }], bearer);
    expect(reply.status, reply.text).toBe(200);
    expect(fx.sim.jobsFor(reply.snapshotId).map((job) => job.id)).toEqual([reply.json.id]);
    expect(posts()).toEqual([0, 200]);
    expect(new Set(auths())).toEqual(new Set(['bearer']));
  });

  it('503 and 429 are retried; the answer keeps the legacy shape', async () => {
    const reply = await tenantDownloadWith(
      [
        { kind: 'server-error', status: 503, operationId: 'downloadFlexBackup' },
        { kind: 'rate-limit', operationId: 'downloadFlexBackup' },
      ],
      bearer,
    );
    expect(reply.status, reply.text).toBe(200);
    expect(reply.contentType).toBe(TENANT_MEDIA_TYPE);
    expect(reply.json).toMatchObject({ clusterName: fx.sim.clusters.shared, deliveryType: 'DOWNLOAD' });
    expect(posts()).toEqual([503, 429, 200]);
    expect(fx.sim.jobsFor(reply.snapshotId)).toHaveLength(1);
  });
});

describe('the undici adapter settles an ambiguous rewritten download POST', () => {
  it('a reset after Atlas created the job: 200 in the legacy shape, the one job adopted, never posted again', async () => {
    const reply = await tenantDownloadWith([{ kind: 'reset-after-request', operationId: 'downloadFlexBackup' }]);
    const jobs = fx.sim.jobsFor(reply.snapshotId);
    expect(jobs).toHaveLength(1);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.contentType).toBe(TENANT_MEDIA_TYPE);
    expect(reply.json).toMatchObject({ id: jobs[0]?.id, clusterName: fx.sim.clusters.shared, snapshotId: reply.snapshotId, deliveryType: 'DOWNLOAD' });
    expect(reply.json).not.toHaveProperty('instanceName');
    expect(posts()).toEqual([0]);
    expect(lookups()).toBe(1);
    expect(events.map((event) => event.type)).toEqual(['legacy-rewrite', 'download-adopted']);
    expect(adopted()).toEqual([
      {
        type: 'download-adopted',
        groupId: fx.sim.groupId,
        clusterName: fx.sim.clusters.shared,
        snapshotId: reply.snapshotId,
        route: 'flex',
        jobId: jobs[0]?.id,
        failure: 'ECONNRESET',
        status: undefined,
      },
    ]);
  });

  it('a 503 after the job was created: adopted as well', async () => {
    const reply = await tenantDownloadWith([{ kind: 'server-error', status: 503, operationId: 'downloadFlexBackup', processed: true }]);
    expect(reply.status, reply.text).toBe(200);
    expect(fx.sim.jobsFor(reply.snapshotId).map((job) => job.id)).toEqual([reply.json.id]);
    expect(posts()).toEqual([503]);
    expect(adopted()).toEqual([expect.objectContaining({ jobId: reply.json.id, failure: 'HTTP 503', status: 503 })]);
  });

  it('a reset before Atlas ran it: nothing to adopt, so the POST is sent again, once', async () => {
    const reply = await tenantDownloadWith([{ kind: 'reset-after-request', operationId: 'downloadFlexBackup', processed: false }]);
    expect(reply.status, reply.text).toBe(200);
    expect(fx.sim.jobsFor(reply.snapshotId).map((job) => job.id)).toEqual([reply.json.id]);
    expect(posts()).toEqual([0, 200]);
    expect(lookups()).toBe(1);
    expect(adopted()).toEqual([]);
  });

  it('a plain success: no look-up, no adoption reported', async () => {
    const reply = await tenantDownloadWith([]);
    expect(reply.status, reply.text).toBe(200);
    expect(fx.sim.jobsFor(reply.snapshotId)).toHaveLength(1);
    expect(lookups()).toBe(0);
    expect(events.map((event) => event.type)).toEqual(['legacy-rewrite']);
  });
});
