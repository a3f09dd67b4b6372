import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATOR_ERROR_CODES as CODES, type AtlasSimulatorOptions } from '../../src/simulator/index.js';
import { FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE, get, post, startFixture, type SimulatorFixture } from './simulator-fixture.js';

const SUNSET = new Date('2026-01-22T00:00:00Z');
const JUST_BEFORE = new Date(SUNSET.getTime() - 1);

let fx: SimulatorFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function start(options: AtlasSimulatorOptions = {}): Promise<SimulatorFixture> {
  fx = await startFixture(options);
  return fx;
}

const snapshotsOf = (f: SimulatorFixture, tenant: boolean): string =>
  `${f.group}/${tenant ? 'clusters' : 'flexClusters'}/${f.sim.clusters.shared}/backup/${tenant ? 'tenant/' : ''}snapshots`;

describe('the tenant operations at the sunset', () => {
  it('answer 410 VERSION_GONE by default, from the sunset instant on, naming the version and the Flex twin', async () => {
    const f = await start();
    f.sim.setNow(JUST_BEFORE);
    expect((await get(f.client, snapshotsOf(f, true), TENANT_MEDIA_TYPE)).status).toBe(200);

    f.sim.setNow(SUNSET);
    const gone = await get(f.client, snapshotsOf(f, true), TENANT_MEDIA_TYPE);
    expect(gone.status).toBe(410);
    expect(gone.headers['content-type']).toBe('application/json');
    expect(gone.json).toEqual({
      error: 410,
      errorCode: CODES.versionGone,
      reason: 'Gone',
      detail: 'API version 2023-01-01 of listClusterBackupSnapshots reached its sunset on 2026-01-22T00:00:00.000Z and is gone. Use listFlexBackupSnapshots instead.',
      parameters: ['2023-01-01'],
    });
    expect(f.sim.requests.at(-1)).toMatchObject({ status: 410, operationId: 'listClusterBackupSnapshots', auth: 'digest' });
    // The Flex twin serves the same cluster at the same instant.
    expect((await get(f.client, snapshotsOf(f, false), FLEX_MEDIA_TYPE)).status).toBe(200);
  });

  it("answer 404 RESOURCE_NOT_FOUND with sunsetAnswer 'not-found', and still serve before the sunset", async () => {
    const f = await start({ sunsetAnswer: 'not-found' });
    f.sim.setNow(JUST_BEFORE);
    expect((await get(f.client, snapshotsOf(f, true), TENANT_MEDIA_TYPE)).status).toBe(200);

    f.sim.setNow(SUNSET);
    const removed = await get(f.client, snapshotsOf(f, true), TENANT_MEDIA_TYPE);
    expect(removed.status).toBe(404);
    expect(removed.json).toMatchObject({ error: 404, errorCode: CODES.resourceNotFound, reason: 'Not Found' });
    expect(removed.json.detail).toBe(
      `Cannot find resource ${snapshotsOf(f, true)}: listClusterBackupSnapshots was removed at its sunset on 2026-01-22T00:00:00.000Z. Use listFlexBackupSnapshots instead.`,
    );
    expect(f.sim.requests.at(-1)).toMatchObject({ status: 404, operationId: 'listClusterBackupSnapshots' });
  });

  it.each<[AtlasSimulatorOptions['sunsetAnswer'], number]>([
    ['gone', 410],
    ['not-found', 404],
  ])("a download POST after the sunset (sunsetAnswer %s) is answered %i and creates no job", async (sunsetAnswer, status) => {
    const f = await start({ sunsetAnswer, sunsetDate: '2025-06-01T00:00:00Z' });
    const name = f.sim.clusters.shared;
    const snapshotId = f.sim.snapshotIds(name)[0] as string;
    const response = await post(f.client, `${f.group}/clusters/${name}/backup/tenant/download`, TENANT_MEDIA_TYPE, {
      snapshotId,
      targetDeploymentItemName: name,
    });
    expect(response.status).toBe(status);
    expect(response.json.detail).toMatch(/sunset on 2025-06-01T00:00:00\.000Z/);
    expect(f.sim.jobsFor(snapshotId)).toEqual([]);
  });
});
