import { Option, type Command } from 'commander';
import { z } from 'zod';
import type { ApiKeyCredentials, ServiceAccountCredentials } from '../atlas/atlas-client.js';
import { ValidationError } from '../errors/shim-error.js';
import { createSnapshotShim } from '../facade/create-snapshot-shim.js';
import type { SnapshotShim } from '../facade/snapshot-shim.js';
import type { RouteFlag } from '../routing/route-policy.js';
import { check, checkOptional, describeValue, rule, type Rule } from '../validation.js';
import type { CliIo } from './cli-io.js';

/**
 * What every Atlas-facing command shares: its options, where credentials come from (flags,
 * then the environment, named as the Atlas CLI names them), and the shim they make.
 */

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

/** Options every Atlas-facing command takes. */
export interface AtlasCommandOptions {
  readonly project: string;
  /** Required by commander unless the command was given `{ cluster: 'optional' }`. */
  readonly cluster: string;
  readonly route?: RouteFlag;
  readonly baseUrl?: string;
  readonly publicKey?: string;
  readonly privateKey?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly sunsetDate?: string;
  readonly allowSunsetEndpoint?: boolean;
  readonly now?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * Adds the project, cluster, routing and credential options to a command. `cluster:
 * 'optional'` leaves `--cluster` to the command's own check (`download`, where `--all`
 * takes its place), with `clusterHelp` as its description.
 */
export function withAtlasOptions(command: Command, options: { readonly cluster?: 'required' | 'optional'; readonly clusterHelp?: string } = {}): Command {
  const clusterHelp = options.clusterHelp ?? 'cluster name';
  const withProject = command.requiredOption('--project <groupId>', 'Atlas project id (24 hex characters)');
  return (options.cluster === 'optional' ? withProject.option('--cluster <name>', clusterHelp) : withProject.requiredOption('--cluster <name>', clusterHelp))
    .addOption(new Option('--route <flag>', 'route flag: auto, tenant or flex (overrides the default auto)').choices(['auto', 'tenant', 'flex']))
    .option('--base-url <url>', `Atlas origin (env ${ENV.baseUrl} or ${ENV.atlasCliBaseUrl}; default https://cloud.mongodb.com)`)
    .option('--public-key <key>', `API key public key (env ${ENV.publicKey})`)
    .option('--private-key <key>', `API key private key (env ${ENV.privateKey}; prefer the environment)`)
    .option('--client-id <id>', `service account client id (env ${ENV.clientId})`)
    .option('--client-secret <secret>', `service account client secret (env ${ENV.clientSecret}; prefer the environment)`)
    .option('--sunset-date <iso>', 'sunset instant of the tenant endpoint (default 2026-01-22T00:00:00Z)')
    .option('--allow-sunset-endpoint', 'let --route tenant call the tenant endpoint after its sunset')
    .option('--now <iso>', 'decide the route as of this instant instead of the current time (drills and dry runs)')
    .option('--json', 'print one machine-readable result object on stdout')
    .option('--verbose', 'on failure, print the error details and stack');
}

/** The secrets a command was given, to mask in anything it prints. */
export function secretsOf(options: Partial<AtlasCommandOptions>, env: NodeJS.ProcessEnv): string[] {
  return [options.privateKey, options.clientSecret, env[ENV.privateKey], env[ENV.clientSecret]].filter((s): s is string => Boolean(s));
}

/** A `--now` flag: an ISO 8601 date-time, as a Date. */
export const INSTANT = rule(
  z.string().transform((text) => new Date(text)).refine((date) => !Number.isNaN(date.getTime())),
  'an ISO 8601 date-time',
);

/** A flag that takes a whole number from `min` to `max`, written in decimal digits. */
export function wholeNumber(min: number, max: number, allowed: string) {
  return rule(
    z
      .string()
      .regex(/^\d+$/)
      .transform(Number)
      .refine((value) => Number.isSafeInteger(value) && value >= min && value <= max),
    allowed,
  );
}

/**
 * A flag the command needs in this form of it: its value when it follows the rule.
 *
 * @throws {ValidationError} naming the flag, when absent: `required` says when it is needed (`'unless --all'`).
 */
export function checkRequired<T>(flag: string, value: unknown, valueRule: Rule<T>, required: string): T {
  if (value === undefined) throw new ValidationError(flag, `${valueRule.allowed}, required ${required}`, 'nothing');
  return check(flag, value, valueRule);
}

/**
 * Refuses a flag given where it has no meaning (`--out` with `--all`, say): a mistaken
 * command line must not be half obeyed.
 *
 * @throws {ValidationError} naming the flag and why, when `value` is not undefined.
 */
export function refuseFlag(flag: string, value: unknown, why: string): void {
  if (value !== undefined) throw new ValidationError(flag, `nothing ${why}`, typeof value === 'boolean' ? 'the flag' : describeValue(value));
}

/** Creates the facade from the command's options and the environment. */
export function shimFrom(options: AtlasCommandOptions, io: CliIo): SnapshotShim {
  const baseUrl = baseUrlFrom(options.baseUrl, io.env);
  const now = checkOptional('--now', options.now, INSTANT);
  return createSnapshotShim({
    credentials: credentialsFrom(options, io.env),
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(options.route !== undefined ? { route: options.route } : {}),
    ...(options.sunsetDate !== undefined ? { sunsetDate: options.sunsetDate } : {}),
    ...(options.allowSunsetEndpoint ? { allowSunsetEndpoint: true } : {}),
    ...(now !== undefined ? { now: () => now } : {}),
    userAgent: 'atlas-snapshot-cli',
  });
}
