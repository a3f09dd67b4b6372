import { atlasPaths } from '../../src/atlas/endpoints.js';
import type { ShimCore } from '../../src/facade/shim-core.js';
import { requestDownload } from '../../src/facade/request-download.js';
import { flexRestoreJobToTenantRestore } from '../../src/model/legacy-shapes.js';
import type { ClusterTarget } from '../../src/validation/inputs.js';
import { fallbackGuard } from './fallback-guard.js';
import type { DownloadBody } from './inputs.js';
import { reportRewrite } from './rewrite-event.js';

/**
 * Requests a download through the facade's POST (`requestDownload`: the decided route,
 * with at most one fallback on a refusal that cannot have created a job), and answers in
 * the `TenantRestore` shape. A fallback is reported as a `route-fallback` event, as the
 * facade reports it; a Flex answer also as a `legacy-rewrite` event.
 *
 * The Flex job has no `targetDeploymentItemName`; the answer carries the caller's, as the
 * tenant endpoint echoed it. Later reads of the job through Flex say the cluster's name
 * there (a download's target is the source cluster itself).
 */
export async function downloadLegacy(core: ShimCore, target: ClusterTarget, body: DownloadBody, signal: AbortSignal | undefined): Promise<unknown> {
  const decision = await core.decide(target, signal);
  const requested = await requestDownload(core.client, decision, { ...body, signal }, fallbackGuard(core, target, signal));
  if (requested.decision.fallback) core.emit({ type: 'route-fallback', decision: requested.decision });
  if (requested.adoption) core.emit(requested.adoption);
  if (requested.decision.route === 'tenant') return requested.body;

  reportRewrite(core, {
    operationId: 'downloadClusterBackupTenant',
    method: 'POST',
    fromPath: atlasPaths.downloadClusterBackupTenant(target.groupId, target.clusterName),
    toPath: requested.decision.endpoint.path,
  });
  const job = flexRestoreJobToTenantRestore(requested.body, { clusterName: target.clusterName, snapshotId: body.snapshotId });
  const flexTarget = (requested.body as Record<string, unknown> | undefined)?.targetDeploymentItemName;
  return { ...job, targetDeploymentItemName: typeof flexTarget === 'string' ? flexTarget : body.targetDeploymentItemName };
}
