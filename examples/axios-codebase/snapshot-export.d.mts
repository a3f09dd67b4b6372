import type { AxiosInstance } from 'axios';

/** What `exportSnapshot` needs besides the client (see snapshot-export.mjs). */
export interface ExportSnapshotInput {
  readonly groupId: string;
  readonly clusterName: string;
  readonly snapshotId: string;
  readonly pollIntervalMs?: number;
  readonly timeoutMs?: number;
}

/** Requests a snapshot download through the tenant endpoints and polls the job until COMPLETED. */
export function exportSnapshot(api: AxiosInstance, input: ExportSnapshotInput): Promise<Record<string, unknown>>;
