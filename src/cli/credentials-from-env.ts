import { ValidationError } from '../errors/validation-error.js';
import type { ApiKeyCredentials, ServiceAccountCredentials } from '../facade/shim-options.js';

/** Environment variables the CLI reads, named as the Atlas CLI names them. */
export const ENV = {
  publicKey: 'MONGODB_ATLAS_PUBLIC_API_KEY',
  privateKey: 'MONGODB_ATLAS_PRIVATE_API_KEY',
  clientId: 'MONGODB_ATLAS_CLIENT_ID',
  clientSecret: 'MONGODB_ATLAS_CLIENT_SECRET',
  /** The Atlas origin; the Atlas CLI calls its equivalent MONGODB_ATLAS_OPS_MANAGER_URL, also read. */
  baseUrl: 'MONGODB_ATLAS_BASE_URL',
  atlasCliBaseUrl: 'MONGODB_ATLAS_OPS_MANAGER_URL',
} as const;

/** Credential flags as given on the command line. */
export interface CredentialFlags {
  readonly publicKey?: string | undefined;
  readonly privateKey?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
}

/**
 * Picks the credentials: flags first, then the environment; an API key when a public key
 * is given, a service account when a client id is. Pure: the environment is passed in.
 *
 * @throws {ValidationError} when neither pair is complete.
 */
export function credentialsFrom(flags: CredentialFlags, env: NodeJS.ProcessEnv): ApiKeyCredentials | ServiceAccountCredentials {
  const publicKey = flags.publicKey ?? env[ENV.publicKey];
  const privateKey = flags.privateKey ?? env[ENV.privateKey];
  const clientId = flags.clientId ?? env[ENV.clientId];
  const clientSecret = flags.clientSecret ?? env[ENV.clientSecret];
  if (publicKey && privateKey) return { publicKey, privateKey };
  if (clientId && clientSecret) return { clientId, clientSecret };
  throw new ValidationError(
    'credentials',
    `an API key (${ENV.publicKey} and ${ENV.privateKey}, or --public-key and --private-key) or a service account ` +
      `(${ENV.clientId} and ${ENV.clientSecret}, or --client-id and --client-secret)`,
    publicKey || clientId ? 'half of a pair' : 'none',
  );
}

/** The base URL: the flag, then MONGODB_ATLAS_BASE_URL, then MONGODB_ATLAS_OPS_MANAGER_URL; undefined for the default. */
export function baseUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag ?? env[ENV.baseUrl] ?? env[ENV.atlasCliBaseUrl] ?? undefined;
}
