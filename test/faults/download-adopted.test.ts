import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIAGNOSTICS_CHANNELS, type DownloadAdoptedEvent, type ShimEvent, type ShimLogger, type SnapshotShimOptions } from '../../src/index.js';
import type { SimulatorFault } from '../../src/simulator/index.js';
import { createLegacyClient } from '../../adapters/legacy-client.js';
import { CLOCK, openShims, recordingTimer, requestsOf, shimFor, useFreshSimulator, warmUp } from './fault-fixture.js';

// Adopting a job is the shim working around a failure: the call succeeds, and the caller
// is told it took that detour through the event, the `warn` log and the adopt channel.

const fx = useFreshSimulator();
let events: ShimEvent[];
let warnings: Array<{ record: Record<string, unknown>; message: string | undefined }>;
let published: unknown[];
const onAdopt = (message: unknown) => void published.push(message);

beforeEach(() => {
  events = [];
  warnings = [];
  published = [];
  diagnosticsChannel.subscribe(DIAGNOSTICS_CHANNELS.adopt, onAdopt);
});
afterEach(() => {
  diagnosticsChannel.unsubscribe(DIAGNOSTICS_CHANNELS.adopt, onAdopt);
});

const ignore = () => undefined;
const logger: ShimLogger = {
  debug: ignore,
  info: ignore,
  warn: (record, message) => void warnings.push({ record: record as Record<string, unknown>, message }),
  error: ignore,
};

const adopted = () => events.filter((event): event is DownloadAdoptedEvent => event.type === 'download-adopted');
const adoptionWarnings = () => warnings.filter((w) => /adopted/.test(w.message ?? ''));

/** A fresh simulator (so no earlier job can be adopted), the faults armed, and one download requested on `cluster`. */
async function downloadWith(faults: readonly SimulatorFault[], options: Partial<SnapshotShimOptions> = {}, kind: 'flex' | 'shared' = 'flex') {
  await fx.start();
  const clusterName = fx.sim.clusters[kind];
  const snapshotId = fx.sim.snapshotIds(clusterName)[0] as string;
  const shim = shimFor(fx.sim, { onEvent: (event) => events.push(event), logger, ...options, retry: { timer: recordingTimer() } });
  await warmUp(shim, fx.sim);
  for (const fault of faults) fx.sim.faults.inject(fault);
  const download = await shim.downloadSnapshot({ groupId: fx.sim.groupId, clusterName, snapshotId });
  return { download, snapshotId, clusterName };
}

describe('an adopted download job is reported', () => {
  it('a reset after Atlas created the job: one download-adopted event, one warn record, one adopt message, all alike', async () => {
    const { download, snapshotId, clusterName } = await downloadWith([{ kind: 'reset-after-request', operationId: 'downloadFlexBackup' }]);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    const facts = { groupId: fx.sim.groupId, clusterName, snapshotId, route: 'flex', jobId: download.id, failure: 'ECONNRESET', status: undefined };
    expect(adopted()).toEqual([{ type: 'download-adopted', ...facts }]);
    expect(adoptionWarnings()).toHaveLength(1);
    expect(adoptionWarnings()[0]?.record).toMatchObject({ ...facts, component: 'atlas-snapshot-shim' });
    expect(adoptionWarnings()[0]?.message).toMatch(/ECONNRESET/);
    expect(published).toEqual([facts]);
  });

  it('a 503 after the job was created: the failure and the status say so', async () => {
    const { download } = await downloadWith([{ kind: 'server-error', status: 503, operationId: 'downloadFlexBackup', processed: true }]);
    expect(adopted()).toEqual([expect.objectContaining({ jobId: download.id, failure: 'HTTP 503', status: 503 })]);
  });

  it('a success whose body arrived unreadable: reported with its status', async () => {
    const { download } = await downloadWith([{ kind: 'malformed-json', operationId: 'downloadFlexBackup' }]);
    expect(adopted()).toEqual([expect.objectContaining({ jobId: download.id, failure: 'HTTP 200 with a body that is not valid JSON', status: 200 })]);
  });

  it('on the tenant route too', async () => {
    const { download } = await downloadWith([{ kind: 'reset-after-request', operationId: 'downloadClusterBackupTenant' }], { route: 'tenant' }, 'shared');
    expect(download.route).toBe('tenant');
    expect(adopted()).toEqual([expect.objectContaining({ route: 'tenant', jobId: download.id, clusterName: fx.sim.clusters.shared })]);
  });

  it('without a logger, an onEvent listener or a subscriber, an adoption still succeeds', async () => {
    diagnosticsChannel.unsubscribe(DIAGNOSTICS_CHANNELS.adopt, onAdopt);
    const { download, snapshotId } = await downloadWith([{ kind: 'reset-after-request', operationId: 'downloadFlexBackup' }], { onEvent: undefined, logger: undefined });
    expect(fx.sim.jobsFor(snapshotId).map((job) => job.id)).toEqual([download.id]);
    expect(events).toEqual([]);
  });
});

describe('nothing is reported when no job was adopted', () => {
  it('a plain success', async () => {
    await downloadWith([]);
    expect(events).toEqual([]);
    expect(adoptionWarnings()).toEqual([]);
    expect(published).toEqual([]);
  });

  it('a reset before Atlas ran it: the look-up finds nothing and the POST is sent again', async () => {
    const { snapshotId } = await downloadWith([{ kind: 'reset-after-request', operationId: 'downloadFlexBackup', processed: false }]);
    expect(requestsOf(fx.sim, 'downloadFlexBackup').map((r) => r.status)).toEqual([0, 200]);
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    expect(adopted()).toEqual([]);
    expect(published).toEqual([]);
  });

  it('a 429: nothing can have been created, so nothing is looked for', async () => {
    await downloadWith([{ kind: 'rate-limit', retryAfterSeconds: 1, operationId: 'downloadFlexBackup' }]);
    expect(adopted()).toEqual([]);
    expect(requestsOf(fx.sim, 'listFlexRestoreJobs')).toEqual([]);
  });
});

describe('the legacy client reports an adopted job too', () => {
  it('a reset after the Flex POST: the legacy answer, one job, one download-adopted event', async () => {
    await fx.start();
    const clusterName = fx.sim.clusters.flex;
    const snapshotId = fx.sim.snapshotIds(clusterName)[0] as string;
    const client = createLegacyClient({
      baseUrl: fx.sim.url,
      credentials: fx.sim.apiKey,
      now: () => CLOCK,
      route: 'flex',
      onEvent: (event) => events.push(event),
      logger,
      retry: { random: () => 0.5, timer: recordingTimer() },
    });
    openShims.push(client as never);
    await client.listClusterBackupSnapshots(fx.sim.groupId, clusterName);
    fx.sim.faults.inject({ kind: 'reset-after-request', operationId: 'downloadFlexBackup' });
    const restore = await client.downloadClusterBackupTenant(fx.sim.groupId, clusterName, { snapshotId, targetDeploymentItemName: clusterName });
    expect(fx.sim.jobsFor(snapshotId)).toHaveLength(1);
    expect(restore).toMatchObject({ clusterName, snapshotId });
    expect(adopted()).toEqual([expect.objectContaining({ type: 'download-adopted', groupId: fx.sim.groupId, clusterName, snapshotId, route: 'flex', failure: 'ECONNRESET' })]);
    expect(adoptionWarnings()).toHaveLength(1);
  });
});
