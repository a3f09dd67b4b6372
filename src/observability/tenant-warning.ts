import { TENANT_ENDPOINT_WARNING_CODE, type TenantEndpointNotice } from './tenant-warning-message.js';

// Once per process, not per shim: an application creates shims freely, and one warning says all there is to say.
let warned = false;

/**
 * Emits the tenant-endpoint `DeprecationWarning` (code `ATLAS_SNAPSHOT_SHIM_TENANT_ENDPOINT`)
 * the first time it is called in this process (module instance), and does nothing after.
 * It is called when, before the sunset, a call's route decision is the tenant route or a
 * fallback lands on it: from the facade and from both drop-in adapters (legacy-client and
 * undici), which decide through the same core, since their callers' code is exactly what
 * must move before the sunset. `explainRoute` sends nothing and does not trigger it.
 * Node's flags apply as to any deprecation: `--no-deprecation` silences it, and
 * `--throw-deprecation` makes that first call throw it. Returns whether it emitted.
 */
export function warnTenantEndpointOnce(notice: TenantEndpointNotice): boolean {
  if (warned) return false;
  warned = true;
  process.emitWarning(notice.message, { type: 'DeprecationWarning', code: TENANT_ENDPOINT_WARNING_CODE });
  return true;
}

/** Whether the warning was already emitted in this process: then there is nothing left to compute for it. */
export function tenantEndpointWarned(): boolean {
  return warned;
}

/** Test only (not exported from the package root): lets the next call warn again. */
export function resetTenantEndpointWarningForTests(): void {
  warned = false;
}
