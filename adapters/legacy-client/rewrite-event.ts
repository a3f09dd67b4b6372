import type { ShimCore } from '../../src/facade/shim-core.js';

/** A tenant operation and the Flex twin that served it, for the `legacy-rewrite` event. */
export interface Rewrite {
  /** The tenant operation the caller asked for. */
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  /** The tenant path the caller's call names (no query). */
  readonly fromPath: string;
  /** The Flex path that answered (no query). */
  readonly toPath: string;
}

/**
 * Reports that a tenant operation was served by its Flex twin. Called only after the Flex
 * endpoint answered, so the event means the rewrite happened, not that it was tried.
 */
export function reportRewrite(core: ShimCore, rewrite: Rewrite): void {
  core.emit({ type: 'legacy-rewrite', ...rewrite, route: 'flex' });
}
