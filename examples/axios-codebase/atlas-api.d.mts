import type { AxiosInstance } from 'axios';

/** What `createAtlasApi` needs (see atlas-api.mjs). */
export interface AtlasApiInput {
  readonly baseUrl?: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly timeoutMs?: number;
}

/** An axios instance for the Atlas Admin API v2 that answers digest challenges itself. */
export function createAtlasApi(input: AtlasApiInput): AxiosInstance;
