// The soak's options: flags first, then SOAK_* environment variables, then defaults. Every
// value is checked, so a typo fails at once instead of soaking with something else.
//
// Two profiles (see soak.mjs for their clocks):
// - `default`: fault rate 0.05; each shim is told its simulator's Atlas clock (`now`).
// - `skewed`: fault rate 0.10; the shims get no `now` (the machine clock, corrected by the
//   `Date` header of Atlas's answers) and the simulators' Atlas clocks run 400 days behind
//   and 400 days ahead of the machine's.
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SIMULATOR_FAULT_KINDS } from '../dist/simulator.js';

/** Per profile: its default fault rate. */
export const SOAK_PROFILES = { default: { rate: 0.05 }, skewed: { rate: 0.1 } };
const DEFAULT_SIZE = { downloads: 1000, concurrency: 8 };

const USAGE = `usage: npm run soak -- [--profile P] [--downloads N] [--concurrency C] [--rate R] [--seed S] [--kinds k1,k2]
                          [--part-size-kib K] [--connections N] [--keep]
  --profile P       default or skewed (below)                          env SOAK_PROFILE     default default
  --downloads N     full downloads (shim.download) to run              env SOAK_DOWNLOADS   default 1000
  --concurrency C   downloads in flight at a time                      env SOAK_CONCURRENCY default 8
  --rate R          probability of a fault per request, 0..1           env SOAK_RATE        default 0.05 (skewed 0.10)
  --seed S          seed of the simulators' fault generators           env SOAK_SEED        default random (printed)
  --kinds k1,k2     fault kinds to draw from                           env SOAK_KINDS       default all
  --part-size-kib K each download's partSizeBytes, K KiB, 64..1048576  env SOAK_PART_SIZE_KIB default the library's (8 MiB)
                    (the snapshots are 256 KiB: 64 saves each in 4 parts)
  --connections N   each download's connections, 1..16                 env SOAK_CONNECTIONS default the library's (4)
  --keep            keep the temporary directory even when the run passes
Profiles: default: two simulators whose Atlas clocks start before and after the sunset, each shim
told its simulator's clock (option now); skewed: the shims get no now option (the machine clock,
corrected by the Date header of Atlas's answers) and the simulators' clocks run 400 days behind
(before the sunset) and 400 days ahead (after it) of the machine's; fault rate 0.10.
The default size (1000 downloads, concurrency 8, the profile's rate, all fault kinds, any seed,
neither --part-size-kib nor --connections) writes bench/soak-report.json (default) or
bench/soak-report-skewed.json (skewed); any other run writes bench/soak-report-partial.json.`;

/** A wrong flag or variable: reported as its message and the usage, without a stack. */
export class SoakUsageError extends Error {}

function integer(name, text, min, max) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new SoakUsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}\n${USAGE}`);
  return value;
}

/**
 * @returns {{ profile: 'default' | 'skewed', downloads: number, concurrency: number, rate: number, full: boolean,
 *   reportName: string, seed: number, kinds: string[], partSizeKib: number | undefined,
 *   connections: number | undefined, keep: boolean }}
 */
export function soakOptions(argv = process.argv.slice(2), env = process.env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        profile: { type: 'string' },
        downloads: { type: 'string' },
        concurrency: { type: 'string' },
        rate: { type: 'string' },
        seed: { type: 'string' },
        kinds: { type: 'string' },
        'part-size-kib': { type: 'string' },
        connections: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new SoakUsageError(`${error.message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const pick = (name) => values[name] ?? env[`SOAK_${name.toUpperCase().replaceAll('-', '_')}`];
  const profile = pick('profile') ?? 'default';
  if (!Object.hasOwn(SOAK_PROFILES, profile)) throw new SoakUsageError(`--profile must be one of ${Object.keys(SOAK_PROFILES).join(', ')}, got ${JSON.stringify(profile)}\n${USAGE}`);
  const rateText = pick('rate') ?? String(SOAK_PROFILES[profile].rate);
  const rate = Number(rateText);
  if (!(rate >= 0 && rate <= 1)) throw new SoakUsageError(`--rate must be a number from 0 to 1, got ${JSON.stringify(rateText)}\n${USAGE}`);
  const kinds = (pick('kinds') ?? SIMULATOR_FAULT_KINDS.join(',')).split(',').map((kind) => kind.trim()).filter(Boolean);
  const unknown = kinds.filter((kind) => !SIMULATOR_FAULT_KINDS.includes(kind));
  if (kinds.length === 0 || unknown.length > 0) throw new SoakUsageError(`--kinds must list fault kinds among ${SIMULATOR_FAULT_KINDS.join(', ')}; got ${unknown.join(', ') || 'none'}\n${USAGE}`);
  const seedText = pick('seed');
  const downloads = integer('downloads', pick('downloads') ?? String(DEFAULT_SIZE.downloads), 1, 1_000_000);
  const concurrency = integer('concurrency', pick('concurrency') ?? String(DEFAULT_SIZE.concurrency), 1, 256);
  // Not set: the library's defaults (saveSnapshot's partSizeBytes and connections) apply.
  const partSizeText = pick('part-size-kib');
  const partSizeKib = partSizeText === undefined ? undefined : integer('part-size-kib', partSizeText, 64, 1_048_576);
  const connectionsText = pick('connections');
  const connections = connectionsText === undefined ? undefined : integer('connections', connectionsText, 1, 16);
  // The run a committed report describes: the default size, the profile's rate, all kinds and the
  // library's save options (any seed).
  const full =
    downloads === DEFAULT_SIZE.downloads &&
    concurrency === DEFAULT_SIZE.concurrency &&
    rate === SOAK_PROFILES[profile].rate &&
    kinds.length === SIMULATOR_FAULT_KINDS.length &&
    partSizeKib === undefined &&
    connections === undefined;
  return {
    profile,
    downloads,
    concurrency,
    rate,
    full,
    reportName: !full ? 'soak-report-partial.json' : profile === 'default' ? 'soak-report.json' : `soak-report-${profile}.json`,
    // The simulator's generator takes a 32-bit state; a seed in that range repeats exactly.
    seed: seedText === undefined ? randomInt(1, 2 ** 31) : integer('seed', seedText, 0, 2 ** 32 - 1),
    kinds,
    partSizeKib,
    connections,
    keep: values.keep ?? env.SOAK_KEEP === '1',
  };
}
