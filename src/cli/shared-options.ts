import { Option, type Command } from 'commander';
import { createSnapshotShim, type SnapshotShim } from '../facade/create-snapshot-shim.js';
import type { RouteFlag } from '../policy/types.js';
import type { CliIo } from './cli-io.js';
import { ValidationError } from '../errors/validation-error.js';
import { describeValue } from '../validation/describe-value.js';
import { baseUrlFrom, credentialsFrom, ENV } from './credentials-from-env.js';

/** Options every Atlas-facing command takes. */
export interface AtlasCommandOptions {
  readonly project: string;
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

/** Adds the project, cluster, routing and credential options to a command. */
export function withAtlasOptions(command: Command): Command {
  return command
    .requiredOption('--project <groupId>', 'Atlas project id (24 hex characters)')
    .requiredOption('--cluster <name>', 'cluster name')
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

/** Creates the facade from the command's options and the environment. */
export function shimFrom(options: AtlasCommandOptions, io: CliIo): SnapshotShim {
  const baseUrl = baseUrlFrom(options.baseUrl, io.env);
  const now = options.now === undefined ? undefined : new Date(options.now);
  if (now !== undefined && Number.isNaN(now.getTime())) throw new ValidationError('--now', 'an ISO 8601 date-time', describeValue(options.now));
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
