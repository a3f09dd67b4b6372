/**
 * atlas-snapshot-shim: one call to download MongoDB Atlas shared-tier (M2/M5) and Flex
 * cluster snapshots across the tenant endpoint sunset (2026-01-22).
 *
 * @packageDocumentation
 */
export {
  createSnapshotShim,
  type DownloadSnapshotInput,
  type ExplainRouteInput,
  type RoutedSnapshotDownload,
  type SnapshotShim,
} from './facade/create-snapshot-shim.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_SUNSET_DATE,
  type ApiKeyCredentials,
  type RouteFlagContext,
  type RouteFlagSource,
  type ServiceAccountCredentials,
  type ShimTimeouts,
  type SnapshotShimOptions,
} from './facade/shim-options.js';
export type { RouteDecision, RouteEndpoint, RouteFallback } from './facade/route-decision.js';
export { decideRoute, type RouteSubject } from './policy/decide-route.js';
export { classifyClusterDescription, type ClusterKindFinding } from './policy/classify-cluster.js';
export {
  CLUSTER_KINDS,
  ROUTE_FLAGS,
  type ClusterKind,
  type Route,
  type RouteFlag,
  type RoutePolicyDecision,
  type RoutePolicyInput,
} from './policy/types.js';
export { normalizeFlexRestoreJob, normalizeTenantRestore } from './model/normalize.js';
export type { AtlasLink, DeliveryType, DownloadStatus, KnownDownloadStatus, SnapshotDownload } from './model/snapshot-download.js';
export {
  AtlasApiError,
  AtlasConnectionError,
  AtlasResponseError,
  AuthError,
  DownloadFailedError,
  SnapshotTransferError,
  TimeoutError,
  ShimError,
  SunsetError,
  UnsupportedClusterError,
  UnconfirmedJobError,
  ValidationError,
  type AtlasApiErrorInit,
  type AtlasRequestInfo,
  type FailedJob,
} from './errors/index.js';
export { RETRY_DEFAULTS, type RetryOptions, type RetryTimer } from './retry/retry-policy.js';
export { DEFAULT_CALL_DEADLINE_MS } from './retry/call-deadline.js';
export type { DownloadResult, DownloadToInput } from './facade/snapshot-workflow.js';
export type { SavedSnapshot, SaveProgress, SaveSnapshotOptions } from './download/save-snapshot-file.js';
export type { WaitForDownloadOptions } from './workflow/wait-for-download.js';
export type {
  DownloadAdoptedEvent,
  FlagFailedEvent,
  FlagInvalidEvent,
  LegacyRewriteEvent,
  RouteFallbackEvent,
  ShimEvent,
  ShimEventListener,
} from './events/shim-event.js';
export { DIAGNOSTICS_CHANNELS, type DiagnosticsChannelName } from './observability/channel-names.js';
export type {
  AdoptChannelMessage,
  AtlasRequestMessage,
  DecisionPurpose,
  FallbackChannelMessage,
  ProgressChannelMessage,
  RetryChannelMessage,
  RouteChannelMessage,
} from './observability/channel-messages.js';
export type { ShimLogger, ShimLogMethod } from './observability/shim-logger.js';
export { TENANT_ENDPOINT_WARNING_CODE } from './observability/tenant-warning-message.js';
export { FLEX_MEDIA_TYPE, TENANT_MEDIA_TYPE } from './atlas/endpoints.js';
export { VERSION } from './version.js';
