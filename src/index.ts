/**
 * atlas-snapshot-shim: one call to download MongoDB Atlas shared-tier (M2/M5) and Flex
 * cluster snapshots across the tenant endpoint sunset (2026-01-22).
 *
 * @packageDocumentation
 */
export { createSnapshotShim } from './facade/create-snapshot-shim.js';
export type {
  DownloadResult,
  DownloadSnapshotInput,
  DownloadToInput,
  ExplainRouteInput,
  ListSnapshotsInput,
  RoutedSnapshotDownload,
  SnapshotShim,
} from './facade/snapshot-shim.js';
export {
  snapshotFileName,
  type ClusterOutcome,
  type DownloadAllInput,
  type DownloadAllStepOptions,
  type FailedCluster,
  type ProjectDownloadReport,
  type SavedCluster,
  type SkippedCluster,
} from './facade/download-all.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_CALL_DEADLINE_MS,
  DEFAULT_SUNSET_DATE,
  type ShimTimeouts,
  type SnapshotShimOptions,
} from './facade/shim-options.js';
export type { ApiKeyCredentials, ServiceAccountCredentials } from './atlas/atlas-client.js';
export type { RouteFlagContext, RouteFlagSource } from './routing/router.js';
export {
  CLUSTER_KINDS,
  ROUTE_FLAGS,
  classifyClusterDescription,
  decideRoute,
  type ClusterKind,
  type ClusterKindFinding,
  type Route,
  type RouteDecision,
  type RouteEndpoint,
  type RouteFallback,
  type RouteFlag,
  type RoutePolicyDecision,
  type RoutePolicyInput,
  type RouteSubject,
} from './routing/route-policy.js';
export { normalizeFlexRestoreJob, normalizeSnapshot, normalizeTenantRestore } from './model/normalize.js';
export type { AtlasLink, DeliveryType, DownloadStatus, KnownDownloadStatus, SnapshotDownload, SnapshotStatus, SnapshotSummary } from './model/snapshot-download.js';
export { ShimError, ValidationError } from './errors/shim-error.js';
export {
  AtlasApiError,
  AtlasConnectionError,
  AtlasResponseError,
  AuthError,
  TimeoutError,
  UnconfirmedJobError,
  type AtlasApiErrorInit,
  type AtlasRequestInfo,
} from './errors/atlas-errors.js';
export { AtlasForGovernmentError, SunsetError, UnsupportedClusterError } from './errors/route-errors.js';
export { DownloadFailedError, JobPollError, NoCompletedSnapshotError, SnapshotTransferError, type FailedJob } from './errors/download-errors.js';
export { RETRY_DEFAULTS, type RetryOptions, type RetryTimer } from './atlas/retry.js';
export type { SavedSnapshot, SaveProgress, SaveSnapshotOptions } from './download/save-snapshot-file.js';
export type { MissedPoll, WaitForDownloadOptions } from './facade/wait-for-download.js';
export type {
  DownloadAdoptedEvent,
  FlagFailedEvent,
  FlagInvalidEvent,
  LegacyRewriteEvent,
  PollMissedEvent,
  RouteFallbackEvent,
  ShimEvent,
  ShimEventListener,
} from './observability/shim-events.js';
export {
  DIAGNOSTICS_CHANNELS,
  type AdoptChannelMessage,
  type AtlasRequestMessage,
  type DecisionPurpose,
  type DiagnosticsChannelName,
  type FallbackChannelMessage,
  type PollMissedChannelMessage,
  type ProgressChannelMessage,
  type RetryChannelMessage,
  type RouteChannelMessage,
} from './observability/channels.js';
export type { ShimLogger, ShimLogMethod } from './observability/shim-logger.js';
export { TENANT_ENDPOINT_WARNING_CODE } from './observability/tenant-warning.js';
export { FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from './atlas/operations.js';
export { VERSION } from './version.js';
