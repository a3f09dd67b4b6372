import type { Dispatcher } from 'undici';

/** What `exportSnapshot` needs (see snapshot-export.mjs). */
export interface ExportSnapshotInput {
  readonly baseUrl: string;
  readonly groupId: string;
  readonly clusterName: string;
  readonly snapshotId: string;
  readonly token: string;
  readonly pollIntervalMs?: number;
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
}

/** Requests a snapshot download through the tenant endpoints and polls the job until COMPLETED. */
export function exportSnapshot(input: ExportSnapshotInput): Promise<Record<string, unknown>>;
