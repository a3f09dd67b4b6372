import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES as CODES } from '../../src/simulator/index.js';
import { AFTER_SUNSET, BEFORE_SUNSET, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE, get, pollUntil, post, startFixture, type SimulatorFixture } from './simulator-fixture.js';

let fx: SimulatorFixture;
afterEach(async () => fx?.close());

const HOUR_MS = 3_600_000;
const flexJobs = (f: SimulatorFixture, name: string) => `${f.group}/flexClusters/${name}/backup/restoreJobs`;
const tenantJobs = (f: SimulatorFixture, name: string) => `${f.group}/clusters/${name}/backup/tenant/restores`;

async function flexDownload(f: SimulatorFixture, name: string, snapshotId = f.sim.snapshotIds(name)[0]) {
  const response = await post(f.client, `${f.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, { snapshotId });
  expect(response.status).toBe(200);
  return response.json;
}

describe('restore job progression', () => {
  it('moves PENDING → QUEUED → RUNNING → COMPLETED with real elapsed time', async () => {
    fx = await startFixture({ jobDurationMs: 1600 });
    const name = fx.sim.clusters.flex;
    const created = await flexDownload(fx, name);
    expect(created).toMatchObject({ status: 'PENDING', instanceName: name, deliveryType: 'DOWNLOAD', projectId: fx.sim.groupId });
    expect(created).not.toHaveProperty('snapshotUrl');
    expect(created.id).toMatch(/^[a-f0-9]{24}$/);
    const seen = new Set<string>([created.status]);
    const deadline = Date.now() + 5000;
    let job = created;
    while (job.status !== 'COMPLETED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      job = (await get(fx.client, `${flexJobs(fx, name)}/${created.id}`, FLEX_MEDIA_TYPE)).json;
      seen.add(job.status);
    }
    expect([...seen]).toEqual(['PENDING', 'QUEUED', 'RUNNING', 'COMPLETED']);
    expect(job.snapshotUrl).toMatch(
      new RegExp(`^${fx.sim.url}/snapshot-files/${name}/${created.snapshotId}\\.tar\\.gz\\?X-Amz-Expires=14400&X-Amz-Signature=[A-Za-z0-9_-]{16,}$`),
    );
    expect(Date.parse(job.restoreFinishedDate) - Date.parse(job.restoreScheduledDate)).toBe(1600);
    expect(Date.parse(job.expirationDate) - Date.parse(job.restoreFinishedDate)).toBe(4 * HOUR_MS);
    expect(job.restoreScheduledDate).toBe(BEFORE_SUNSET.toISOString());
  });

  it('ends FAILED, without a snapshotUrl, for snapshots passed to failJobsFor', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const name = fx.sim.clusters.flexLegacy;
    const [failing, healthy] = fx.sim.snapshotIds(name);
    fx.sim.failJobsFor(failing as string);
    const failed = await flexDownload(fx, name, failing);
    expect(failed.status).toBe('FAILED');
    expect(failed).not.toHaveProperty('snapshotUrl');
    expect(failed).not.toHaveProperty('expirationDate');
    expect((await flexDownload(fx, name, healthy)).status).toBe('COMPLETED');
    expect(() => fx.sim.failJobsFor('0123456789abcdef01234567')).toThrow(TypeError);
  });

  it('leaves jobs created before failJobsFor alone', async () => {
    fx = await startFixture({ jobDurationMs: 300 });
    const name = fx.sim.clusters.flex;
    const job = await flexDownload(fx, name);
    fx.sim.failJobsFor(job.snapshotId);
    expect((await pollUntil(fx.client, `${flexJobs(fx, name)}/${job.id}`, FLEX_MEDIA_TYPE, ['COMPLETED', 'FAILED'])).json.status).toBe('COMPLETED');
  });
});

describe('jobs belong to the cluster', () => {
  it('shows a tenant-created job through the Flex family and back, each in its own shape', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const name = fx.sim.clusters.flexLegacy;
    const snapshotId = fx.sim.snapshotIds(name)[1];
    const targetProjectId = fx.sim.groupId;
    const created = await post(fx.client, `${fx.group}/clusters/${name}/backup/tenant/download`, TENANT_MEDIA_TYPE, {
      snapshotId,
      targetDeploymentItemName: 'restore-target',
      targetProjectId,
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ clusterName: name, deliveryType: 'DOWNLOAD', status: 'COMPLETED', targetDeploymentItemName: 'restore-target', targetProjectId });
    expect(created.json).not.toHaveProperty('instanceName');
    const viaFlex = await get(fx.client, `${flexJobs(fx, name)}/${created.json.id}`, FLEX_MEDIA_TYPE);
    expect(viaFlex.json).toMatchObject({ id: created.json.id, instanceName: name, snapshotUrl: created.json.snapshotUrl, targetDeploymentItemName: 'restore-target' });
    expect(viaFlex.json).not.toHaveProperty('clusterName');
    expect(viaFlex.json.links[0].href).toBe(`${fx.sim.url}${flexJobs(fx, name)}/${created.json.id}`);
    const flexCreated = await flexDownload(fx, name);
    const viaTenant = await get(fx.client, `${tenantJobs(fx, name)}/${flexCreated.id}`, TENANT_MEDIA_TYPE);
    expect(viaTenant.json).toMatchObject({ id: flexCreated.id, clusterName: name, targetDeploymentItemName: name });
  });

  it('keeps an M2 cluster\'s jobs readable through the Flex family after the sunset', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const name = fx.sim.clusters.shared;
    const created = await post(fx.client, `${fx.group}/clusters/${name}/backup/tenant/download`, TENANT_MEDIA_TYPE, {
      snapshotId: fx.sim.snapshotIds(name)[0],
      targetDeploymentItemName: name,
    });
    fx.sim.setNow(AFTER_SUNSET);
    const list = await get(fx.client, flexJobs(fx, name), FLEX_MEDIA_TYPE);
    expect(list.json.results.map((j: { id: string }) => j.id)).toEqual([created.json.id]);
  });

  it('ignores attributes the Flex request schema does not declare', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const name = fx.sim.clusters.flex;
    const response = await post(fx.client, `${fx.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, {
      snapshotId: fx.sim.snapshotIds(name)[0],
      targetDeploymentItemName: 42,
      targetProjectId: 'not-an-id',
    });
    expect(response.status).toBe(200);
    expect(response.json).not.toHaveProperty('targetDeploymentItemName');
    expect(response.json).not.toHaveProperty('targetProjectId');
  });

  it('does not show one cluster\'s job under another cluster', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const job = await flexDownload(fx, fx.sim.clusters.flex);
    const response = await get(fx.client, `${flexJobs(fx, fx.sim.clusters.flexLegacy)}/${job.id}`, FLEX_MEDIA_TYPE);
    expect(response.status).toBe(404);
    expect(response.json.errorCode).toBe(CODES.restoreJobNotFound);
  });
});

describe('errors and lists', () => {
  it('answers an unknown job id and an unknown snapshot with 404', async () => {
    fx = await startFixture();
    const name = fx.sim.clusters.flex;
    const job = await get(fx.client, `${flexJobs(fx, name)}/${'a'.repeat(24)}`, FLEX_MEDIA_TYPE);
    expect(job.status).toBe(404);
    expect(job.json.errorCode).toBe(CODES.restoreJobNotFound);
    // A snapshot of another cluster is unknown to this one.
    const foreign = fx.sim.snapshotIds(fx.sim.clusters.flexLegacy)[0];
    const download = await post(fx.client, `${fx.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, { snapshotId: foreign });
    expect(download.status).toBe(404);
    expect(download.json.errorCode).toBe(CODES.snapshotNotFound);
    const snapshot = await get(fx.client, `${fx.group}/flexClusters/${name}/backup/snapshots/${foreign}`, FLEX_MEDIA_TYPE);
    expect(snapshot.status).toBe(404);
    expect(snapshot.json.errorCode).toBe(CODES.snapshotNotFound);
  });

  it('paginates restore jobs newest first, with self/next/previous links and totalCount', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const name = fx.sim.clusters.flex;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await flexDownload(fx, name)).id);
    const base = `${fx.sim.url}${flexJobs(fx, name)}`;
    const page2 = await get(fx.client, `${flexJobs(fx, name)}?pageNum=2&itemsPerPage=2`, FLEX_MEDIA_TYPE);
    expect(page2.json.totalCount).toBe(5);
    expect(page2.json.results.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    expect(page2.json.links).toEqual([
      { rel: 'previous', href: `${base}?pageNum=1&itemsPerPage=2` },
      { rel: 'self', href: `${base}?pageNum=2&itemsPerPage=2` },
      { rel: 'next', href: `${base}?pageNum=3&itemsPerPage=2` },
    ]);
    const last = await get(fx.client, `${flexJobs(fx, name)}?pageNum=3&itemsPerPage=2&includeCount=false`, FLEX_MEDIA_TYPE);
    expect(last.json.results.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    expect(last.json).not.toHaveProperty('totalCount');
    expect(last.json.links.map((l: { rel: string }) => l.rel)).toEqual(['previous', 'self']);
    const first = await get(fx.client, flexJobs(fx, name), FLEX_MEDIA_TYPE);
    expect(first.json.links).toEqual([{ rel: 'self', href: `${base}?pageNum=1&itemsPerPage=100` }]);
  });

  it('lists the tenant restores of a cluster with their snapshot dates', async () => {
    fx = await startFixture({ jobDurationMs: 0 });
    const name = fx.sim.clusters.sharedM5;
    const snapshotId = fx.sim.snapshotIds(name)[1] as string;
    await post(fx.client, `${fx.group}/clusters/${name}/backup/tenant/download`, TENANT_MEDIA_TYPE, { snapshotId, targetDeploymentItemName: name });
    const snapshot = await get(fx.client, `${fx.group}/clusters/${name}/backup/tenant/snapshots/${snapshotId}`, TENANT_MEDIA_TYPE);
    const list = await get(fx.client, tenantJobs(fx, name), TENANT_MEDIA_TYPE);
    expect(list.json.totalCount).toBe(1);
    expect(list.json.results[0]).toMatchObject({ snapshotId, clusterName: name, snapshotFinishedDate: snapshot.json.finishTime });
  });
});
