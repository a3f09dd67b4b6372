import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/cli-errors.js';
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { requireBuiltCli, runCli, type CliRun } from './helpers/run-cli.js';
import { missingDirectory } from './helpers/no-network.js';

/**
 * Hostile command-line values: each ends the CLI with a clear message and the usage exit
 * code (or the I/O one for an unusable destination), and nothing was sent: the simulator's
 * request log is empty, a TCP listener that hostile base URLs point at saw no connection,
 * and the socket guard every run is under (helpers/socket-guard.mjs) saw no socket and no
 * DNS look-up. (NUL cannot be passed in argv at all; the OS refuses it.)
 */

const BEFORE = '2026-01-10T12:00:00Z';
let sim: AtlasSimulator;
let dir: string;
/** A listener on 127.0.0.1 that counts connections: where a base URL written `TRAP` would send requests. */
const trap = { server: createServer((socket) => (trap.connections++, socket.destroy())), connections: 0, host: '' };

beforeAll(async () => {
  requireBuiltCli();
  sim = await startAtlasSimulator({ now: () => new Date(BEFORE) });
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-hostile-cli-'));
  await new Promise<void>((listening) => trap.server.listen(0, '127.0.0.1', listening));
  trap.host = `127.0.0.1:${(trap.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim?.stop();
  await new Promise((closed) => trap.server.close(closed));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_PUBLIC_API_KEY: sim.apiKey.publicKey,
  MONGODB_ATLAS_PRIVATE_API_KEY: sim.apiKey.privateKey,
});

function downloadArgs(overrides: Record<string, string> = {}): string[] {
  const cluster = sim.clusters.flex;
  const options: Record<string, string> = {
    '--project': sim.groupId,
    '--cluster': cluster,
    '--snapshot': sim.snapshotIds(cluster)[0] as string,
    '--out': join(dir, 'snap.tar.gz'),
    '--now': BEFORE,
    ...overrides,
  };
  // `--flag=value`, so a value starting with '-' is still a value.
  return ['download', ...Object.entries(options).map(([flag, value]) => `${flag}=${value}`)];
}

/** A run that must be refused before any I/O: it opened no socket and made no DNS look-up. */
async function refusedRun(args: readonly string[], environment: Record<string, string>, options: { cwd?: string } = {}): Promise<CliRun> {
  const result = await runCli(args, environment, options);
  expect(result.sockets, result.stderr).toEqual([]);
  return result;
}

// argv strings are limited to 128 KiB each on Linux: a 100 kB value is as huge as a command line gets.
const HUGE = 'a'.repeat(100_000);

/** A table row with a printable label for the value, so a 100 kB value does not become the test's name. */
function row<T extends unknown[]>(flag: string, value: string, ...rest: T): [string, string, string, ...T] {
  const label = value.length > 40 ? `${JSON.stringify(value.slice(0, 12))}… (${value.length} characters)` : JSON.stringify(value);
  return [flag, label, value, ...rest];
}

describe('the CLI refuses hostile values before any request', () => {
  afterEach(() => {
    // Refused before anything was sent: no look-up, no token, no download request, to Atlas
    // or to where a hostile base URL pointed. (Cleared first, so one failure stays one.)
    const requests = [...sim.requests];
    const connections = trap.connections;
    sim.clearRequests();
    trap.connections = 0;
    expect(requests).toEqual([]);
    expect(connections).toBe(0);
  });

  it.each([
    row('--project', '../../etc/passwd', /--project/),
    row('--project', `${'a'.repeat(24)}/x`, /--project/),
    row('--project', HUGE, /--project/),
    row('--cluster', '../x', /--cluster/),
    row('--cluster', 'a/b', /--cluster/),
    row('--cluster', 'a\\b', /--cluster/),
    row('--cluster', '-rf', /--cluster/),
    row('--cluster', HUGE, /--cluster/),
    row('--snapshot', '..', /--snapshot/),
    row('--snapshot', `${'b'.repeat(24)}\n`, /--snapshot/),
    row('--snapshot', HUGE, /--snapshot/),
    row('--timeout', '1e3', /--timeout/),
    row('--timeout', '-5', /--timeout/),
    row('--poll-interval', 'soon', /--poll-interval/),
    row('--now', 'yesterday', /--now/),
    row('--base-url', 'file:///etc/passwd', /baseUrl/),
    row('--base-url', 'ftp://127.0.0.1/', /baseUrl/),
    row('--base-url', 'http://cloud.mongodb.com', /baseUrl/),
    row('--base-url', 'http://127.0.0.1.nip.io', /baseUrl/),
    row('--base-url', 'https://user:pass@cloud.mongodb.com', /baseUrl/),
    row('--base-url', 'https://cloud.mongodb.com/api/atlas', /baseUrl/),
    row('--base-url', `https://${HUGE}.com/x?y`, /baseUrl/),
    // The same refusals, aimed at a listener of ours: had one been accepted, the trap would see it.
    row('--base-url', 'ftp://TRAP/', /baseUrl/),
    row('--base-url', 'http://user:pass@TRAP', /baseUrl/),
    row('--base-url', 'http://TRAP/api/atlas', /baseUrl/),
    row('--base-url', 'http://TRAP/?x=1', /baseUrl/),
  ])('download %s=%s is a usage error', async (flag, _label, value, named) => {
    const result = await refusedRun(downloadArgs({ [flag]: value.replace('TRAP', trap.host) }), env());
    expect(result.code, result.stderr).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(named);
    // One message and one piece of advice, however long the value was.
    expect(result.stderr.length).toBeLessThan(2_000);
    expect(result.stdout).toBe('');
  });

  // explain names the field as the API does (groupId, clusterName), where download names the flag.
  it.each([
    row('--project', 'not-a-project', /^atlas-snapshot: ValidationError: Invalid groupId: .*received "not-a-project"/),
    row('--cluster', '../../etc', /^atlas-snapshot: ValidationError: Invalid clusterName: .*received "\.\.\/\.\.\/etc"/),
    row('--cluster', HUGE, /^atlas-snapshot: ValidationError: Invalid clusterName: .*\(100000 characters\)/),
  ])('explain %s=%s is a usage error', async (flag, _label, value, named) => {
    const args = ['explain', `--project=${sim.groupId}`, `--cluster=${sim.clusters.flex}`, `--now=${BEFORE}`, `${flag}=${value}`];
    const result = await refusedRun(args, env());
    expect(result.code, result.stderr).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(named);
    expect(result.stderr.length).toBeLessThan(2_000);
  });

  it('an http base URL for a non-loopback host is refused from the environment too', async () => {
    const result = await refusedRun(downloadArgs(), { ...env(), MONGODB_ATLAS_BASE_URL: 'http://cloud.mongodb.com' });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/baseUrl/);
  });

  // The destination is given as typed: a `..` reaches the CLI as written (path.join would
  // collapse it first), and a relative one is resolved against the directory the CLI runs in.
  it.each([
    ['the root directory', () => '/', undefined, () => /destination path "\/" ends with a separator/],
    ['an existing directory', () => dir, undefined, () => /is an existing directory/],
    ['a missing directory', () => join(dir, 'missing', 'x.tar.gz'), undefined, () => missingDirectory(join(dir, 'missing'))],
    ['traversal to a missing directory', () => `${dir}/../no-such-dir-here/x.tar.gz`, undefined, () => missingDirectory(resolve(dir, '..', 'no-such-dir-here'))],
    ['relative traversal to a missing directory', () => '../no-such-dir-here/x.tar.gz', () => dir, () => missingDirectory(resolve(dir, '..', 'no-such-dir-here'))],
    ['a relative path under a missing directory', () => 'missing/../missing/x.tar.gz', () => dir, () => missingDirectory(join(dir, 'missing'))],
    ['a path past PATH_MAX', () => join(dir, 'c'.repeat(5_000)), undefined, () => /is longer than 4096 characters/],
  ])('--out as %s is refused before Atlas is asked for a download', async (_name, out, cwd, message) => {
    const result = await refusedRun(downloadArgs({ '--out': out() }), env(), { cwd: cwd?.() });
    expect(result.code, result.stderr).toBe(EXIT_CODES.io);
    expect(result.stderr).toMatch(/destination|Cannot save/);
    expect(result.stderr).toMatch(message());
  });
});

describe('the checks above see a request when there is one', () => {
  it('the socket guard reports the connection of a command that reaches Atlas', async () => {
    const result = await runCli(['explain', `--project=${sim.groupId}`, `--cluster=${sim.clusters.flex}`, `--now=${BEFORE}`], env());
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(result.sockets).toContain(`connect ${new URL(sim.url).host}`);
    expect(sim.requests.length).toBeGreaterThan(0);
    sim.clearRequests();
  });

  it('the socket guard reports a look-up and refuses a host other than 127.0.0.1', async () => {
    const result = await runCli(downloadArgs(), { ...env(), MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.invalid' });
    expect(result.code).not.toBe(EXIT_CODES.ok);
    expect(result.sockets[0]).toMatch(/^(connect|lookup) cloud\.mongodb\.invalid/);
  });

  it('the trap counts the connection of a base URL that points at it', async () => {
    const before = trap.connections;
    const result = await runCli(downloadArgs(), { ...env(), MONGODB_ATLAS_BASE_URL: `http://${trap.host}` });
    expect(result.code).not.toBe(EXIT_CODES.ok);
    expect(result.sockets).toContain(`connect ${trap.host}`);
    expect(trap.connections).toBeGreaterThan(before);
    trap.connections = before;
  });
});
