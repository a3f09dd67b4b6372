import { describe, it } from 'vitest';
import { exact, expectClearRefusal, refusal, useNoNetwork, VALID } from './helpers/no-network.js';
import { hostileFor, NOT_OBJECTS } from './hostile-values.js';

/**
 * Hostile values at every method of the legacy-client adapter: each is refused with a
 * ValidationError naming the argument, before any request (see `useNoNetwork`).
 */

const io = useNoNetwork();

describe('the legacy client', () => {
  const body = { snapshotId: VALID.snapshotId, targetDeploymentItemName: VALID.clusterName };

  it.each(hostileFor(VALID.groupId))('every method refuses groupId as %s', async (_name, value) => {
    const g = value as string;
    expectClearRefusal(await refusal(() => io.legacy.downloadClusterBackupTenant(g, VALID.clusterName, body)), exact('groupId'));
    expectClearRefusal(await refusal(() => io.legacy.downloadSharedClusterBackup(g, VALID.clusterName, body)), exact('groupId'));
    expectClearRefusal(await refusal(() => io.legacy.getBackupTenantRestore(g, VALID.clusterName, VALID.jobId)), exact('groupId'));
    expectClearRefusal(await refusal(() => io.legacy.listBackupTenantRestores(g, VALID.clusterName)), exact('groupId'));
    expectClearRefusal(await refusal(() => io.legacy.listClusterBackupSnapshots(g, VALID.clusterName)), exact('groupId'));
    expectClearRefusal(await refusal(() => io.legacy.getBackupTenantSnapshot(g, VALID.clusterName, VALID.snapshotId)), exact('groupId'));
  });

  it.each(hostileFor(VALID.clusterName))('every method refuses clusterName as %s', async (_name, value) => {
    const c = value as string;
    expectClearRefusal(await refusal(() => io.legacy.downloadClusterBackupTenant(VALID.groupId, c, body)), exact('clusterName'));
    expectClearRefusal(await refusal(() => io.legacy.getBackupTenantRestore(VALID.groupId, c, VALID.jobId)), exact('clusterName'));
    expectClearRefusal(await refusal(() => io.legacy.listBackupTenantRestores(VALID.groupId, c)), exact('clusterName'));
    expectClearRefusal(await refusal(() => io.legacy.listClusterBackupSnapshots(VALID.groupId, c)), exact('clusterName'));
    expectClearRefusal(await refusal(() => io.legacy.getBackupTenantSnapshot(VALID.groupId, c, VALID.snapshotId)), exact('clusterName'));
  });

  it.each(hostileFor(VALID.jobId))('restore and snapshot ids are refused as %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.legacy.getBackupTenantRestore(VALID.groupId, VALID.clusterName, value as string)), exact('restoreId'));
    expectClearRefusal(await refusal(() => io.legacy.getBackupTenantSnapshot(VALID.groupId, VALID.clusterName, value as string)), exact('snapshotId'));
  });

  it.each([...NOT_OBJECTS, ['undefined', undefined] as const])('the download body is refused as %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.legacy.downloadClusterBackupTenant(VALID.groupId, VALID.clusterName, value as never)), exact('body'));
  });

  it.each(hostileFor(VALID.snapshotId))('body.snapshotId and body.targetDeploymentItemName are refused as %s', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.legacy.downloadClusterBackupTenant(VALID.groupId, VALID.clusterName, { ...body, snapshotId: value } as never)), exact('body.snapshotId'));
    expectClearRefusal(
      await refusal(() => io.legacy.downloadClusterBackupTenant(VALID.groupId, VALID.clusterName, { ...body, targetDeploymentItemName: value } as never)),
      exact('body.targetDeploymentItemName'),
    );
  });

  it.each(NOT_OBJECTS)('a query or call options that are %s are refused', async (_name, value) => {
    expectClearRefusal(await refusal(() => io.legacy.listBackupTenantRestores(VALID.groupId, VALID.clusterName, value as never)), exact('query'));
    expectClearRefusal(await refusal(() => io.legacy.getBackupTenantRestore(VALID.groupId, VALID.clusterName, VALID.jobId, value as never)), exact('options'));
  });

  it.each([
    ['pageNum', 0], ['pageNum', -1], ['pageNum', 1.5], ['pageNum', '2'], ['pageNum', Number.NaN], ['pageNum', 2 ** 53],
    ['itemsPerPage', 501], ['itemsPerPage', 0], ['itemsPerPage', Infinity],
    ['includeCount', 'true'], ['includeCount', 1],
    ['__proto__', 1], ['constructor', 'x'],
  ])('query.%s = %o is refused', async (name, value) => {
    const query = Object.defineProperty({}, name, { value, enumerable: true });
    expectClearRefusal(await refusal(() => io.legacy.listClusterBackupSnapshots(VALID.groupId, VALID.clusterName, query as never)), exact(`query.${name}`));
  });
});
