import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf, envelopeRequested } from '../../src/model/envelope.js';
import { SIMULATOR_ERROR_CODES as CODES } from '../../src/simulator/index.js';
import { AFTER_SUNSET, BEFORE_SUNSET, CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE, get, post, startFixture, type SimulatorFixture } from './simulator-fixture.js';

describe('envelopeOf and envelopeRequested (pure)', () => {
  it('wraps a single resource as { status, content }', () => {
    const job = { id: 'a'.repeat(24), status: 'PENDING' };
    expect(envelopeOf(200, job)).toEqual({ status: 200, content: job });
    expect(envelopeOf(201, null)).toEqual({ status: 201, content: null });
    expect(envelopeOf(200, [1, 2])).toEqual({ status: 200, content: [1, 2] });
    // `results` that is not a list does not make a list answer.
    expect(envelopeOf(200, { results: 'x' })).toEqual({ status: 200, content: { results: 'x' } });
  });

  it('adds status beside the results of a list, keeping its other fields, without touching the body it was given', () => {
    const page = { links: [{ rel: 'self', href: 'https://x/y' }], results: [{ id: 1 }], totalCount: 1 };
    const copy = structuredClone(page);
    expect(envelopeOf(200, page)).toEqual({ ...copy, status: 200 });
    expect(page).toEqual(copy);
    expect(envelopeOf(200, { results: [] })).toEqual({ results: [], status: 200 });
  });

  it.each<[string, boolean]>([
    ['envelope=true', true],
    ['envelope=TRUE', true],
    ['pretty=true&envelope=true', true],
    ['envelope=false', false],
    ['envelope=', false],
    ['envelope=1', false],
    ['', false],
  ])('reads %j as %s', (query, wanted) => {
    expect(envelopeRequested(new URLSearchParams(query))).toBe(wanted);
  });
});

describe('envelope=true on the simulator', () => {
  let fx: SimulatorFixture;
  beforeAll(async () => {
    fx = await startFixture({ jobDurationMs: 0 });
  });
  afterEach(() => fx.sim.setNow(undefined));
  afterAll(async () => fx.close());

  it('wraps a single resource as { status: 200, content }, with the HTTP status and Content-Type unchanged', async () => {
    const path = `${fx.group}/clusters/${fx.sim.clusters.dedicated}`;
    const plain = await get(fx.client, path, CLUSTER_MEDIA_TYPE);
    const wrapped = await get(fx.client, `${path}?envelope=true`, CLUSTER_MEDIA_TYPE);
    expect(wrapped.status).toBe(200);
    expect(wrapped.headers['content-type']).toBe(CLUSTER_MEDIA_TYPE);
    expect(wrapped.json).toEqual({ status: 200, content: plain.json });
    expect(fx.sim.requests.at(-1)).toMatchObject({ status: 200, operationId: 'getCluster' });
  });

  it('wraps the job a download POST creates', async () => {
    const name = fx.sim.clusters.flex;
    const snapshotId = fx.sim.snapshotIds(name)[0];
    const wrapped = await post(fx.client, `${fx.group}/flexClusters/${name}/backup/download?envelope=true`, FLEX_MEDIA_TYPE, { snapshotId });
    expect(wrapped.status).toBe(200);
    expect(wrapped.json).toEqual({ status: 200, content: expect.objectContaining({ instanceName: name, snapshotId, status: 'COMPLETED' }) });
    expect(Object.keys(wrapped.json).sort()).toEqual(['content', 'status']);
  });

  it.each([
    ['listFlexBackupSnapshots', () => `${fx.group}/flexClusters/${fx.sim.clusters.flex}/backup/snapshots`, FLEX_MEDIA_TYPE],
    ['listClusters', () => `${fx.group}/clusters`, CLUSTER_MEDIA_TYPE],
    ['listFlexClusters', () => `${fx.group}/flexClusters`, FLEX_MEDIA_TYPE],
  ] as const)('keeps the shape of a list (%s) and adds status beside results', async (_operationId, path, mediaType) => {
    const plain = await get(fx.client, `${path()}?itemsPerPage=1`, mediaType);
    const wrapped = await get(fx.client, `${path()}?itemsPerPage=1&envelope=true`, mediaType);
    expect(wrapped.status).toBe(200);
    expect(wrapped.json).toEqual({ ...plain.json, status: 200 });
    expect(wrapped.json.results).toHaveLength(1);
  });

  it('wraps the answers of the v1.0 tenant paths too', async () => {
    fx.sim.setNow(BEFORE_SUNSET);
    const snapshots = `/api/atlas/v1.0/groups/${fx.sim.groupId}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots`;
    const snapshotId = fx.sim.snapshotIds(fx.sim.clusters.shared)[0];
    const plain = await get(fx.client, `${snapshots}/${snapshotId}`, 'application/json');
    const wrapped = await get(fx.client, `${snapshots}/${snapshotId}?envelope=true`, 'application/json');
    expect(wrapped.headers['content-type']).toBe('application/json');
    expect(wrapped.json).toEqual({ status: 200, content: plain.json });
  });

  it('leaves the answer as it is with envelope=false, and pretty-prints the envelope with pretty=true', async () => {
    const path = `${fx.group}/flexClusters/${fx.sim.clusters.flex}`;
    const plain = await get(fx.client, path, FLEX_MEDIA_TYPE);
    const unwrapped = await get(fx.client, `${path}?envelope=false`, FLEX_MEDIA_TYPE);
    expect(unwrapped.text).toBe(plain.text);
    expect(unwrapped.json).toMatchObject({ name: fx.sim.clusters.flex, groupId: fx.sim.groupId });
    const pretty = await get(fx.client, `${path}?envelope=true&pretty=true`, FLEX_MEDIA_TYPE);
    expect(pretty.text.startsWith('{\n  "status": 200,\n  "content": {\n')).toBe(true);
  });

  it('leaves error answers (ApiError) unwrapped, with their own status', async () => {
    const unknown = await get(fx.client, `${fx.group}/clusters/ghost?envelope=true`, CLUSTER_MEDIA_TYPE);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      error: 404,
      errorCode: CODES.clusterNotFound,
      reason: 'Not Found',
      detail: `No cluster named ghost exists in group ${fx.sim.groupId}.`,
      parameters: ['ghost', fx.sim.groupId],
    });
    const kind = await get(fx.client, `${fx.group}/flexClusters/${fx.sim.clusters.dedicated}?envelope=true`, FLEX_MEDIA_TYPE);
    expect(kind.status).toBe(400);
    expect(kind.json).not.toHaveProperty('content');
    expect(kind.json).not.toHaveProperty('status');
    const anonymous = await fx.client.send('GET', `${fx.group}/clusters?envelope=true`, { accept: CLUSTER_MEDIA_TYPE, auth: 'none' });
    expect(anonymous.status).toBe(401);
    expect(Object.keys(anonymous.json).sort()).toEqual(['detail', 'error', 'errorCode', 'parameters', 'reason']);
    fx.sim.setNow(AFTER_SUNSET);
    const gone = await get(fx.client, `${fx.group}/clusters/${fx.sim.clusters.shared}/backup/tenant/snapshots?envelope=true`, TENANT_MEDIA_TYPE);
    expect(gone.status).toBe(410);
    expect(gone.json).toMatchObject({ error: 410, errorCode: CODES.versionGone });
    expect(gone.json).not.toHaveProperty('content');
  });
});
