import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/cli-errors.js';
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { requireBuiltCli, runCli, type CliRun } from '../security/helpers/run-cli.js';

/**
 * `atlas-snapshot download --connections <n>` as users run it: the built dist/cli.js in a
 * child process against the simulator, real files in a temporary directory. The snapshots are
 * 33 MiB, five parts of 8 MiB (the default), so a save given up to four connections uses them
 * all and asks the simulator for ranges (206), and a save given one takes a single stream (200).
 */

const NOW = '2026-01-10T12:00:00Z';
const SIZE = 33 * 1024 * 1024;
let sim: AtlasSimulator;
let dir: string;

beforeAll(async () => {
  requireBuiltCli();
  sim = await startAtlasSimulator({ now: () => new Date(NOW), jobDurationMs: 200, snapshotSizeBytes: SIZE });
});
afterAll(async () => {
  await sim?.stop();
});
beforeEach(async (context) => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-cli-connections-'));
  context.onTestFinished(() => rm(dir, { recursive: true, force: true }));
});

const env = (): Record<string, string> => ({
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_PUBLIC_API_KEY: sim.apiKey.publicKey,
  MONGODB_ATLAS_PRIVATE_API_KEY: sim.apiKey.privateKey,
});

function download(args: readonly string[]): Promise<CliRun> {
  return runCli(['download', '--project', sim.groupId, '--now', NOW, '--poll-interval', '50', ...args], env(), { cwd: dir });
}

/** One cluster's newest snapshot: its id and the arguments that download it to `out`. */
function one(cluster: string, out: string): { snapshotId: string; args: string[] } {
  const snapshotId = sim.snapshotIds(cluster)[0] as string;
  return { snapshotId, args: ['--cluster', cluster, '--snapshot', snapshotId, '--out', out] };
}

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');
/** The statuses the simulator's snapshot host answered with, in order. */
const fileStatuses = (): number[] => sim.requests.filter((r) => r.path.startsWith('/snapshot-files/')).map((r) => r.status);

describe('atlas-snapshot download --connections: a wrong value is a usage error before any request', () => {
  const forms = {
    'one snapshot': (out: string): string[] => one(sim.clusters.flex, out).args,
    '--all': (out: string): string[] => ['--all', '--out-dir', out],
  };
  const cases = (['one snapshot', '--all'] as const).flatMap((form) => ['0', '17', '1.5', 'x', '-1', ''].map((value) => [value, form] as const));
  it.each(cases)('--connections %j, %s', async (value, form) => {
    const out = join(dir, 'never-made');
    sim.clearRequests();
    const result = await download([...forms[form](out), ...(value === '' ? ['--connections='] : ['--connections', value])]);
    expect(result.code, result.stderr).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/^atlas-snapshot: ValidationError: Invalid --connections: expected a whole number of connections from 1 to 16, received /);
    expect(result.stderr).toContain(`received ${JSON.stringify(value)}`);
    expect(result.stdout).toBe('');
    expect(sim.requests).toEqual([]);
    expect(result.sockets).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('atlas-snapshot download --connections', () => {
  it('--connections 2 saves the file whole (ranged requests), and the progress line says over how many connections', async () => {
    const out = join(dir, 'two.tar.gz');
    const { snapshotId, args } = one(sim.clusters.flex, out);
    sim.clearRequests();
    const result = await download([...args, '--connections', '2']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(await sha256(out)).toBe(sim.snapshotSha256(snapshotId));
    expect(result.stdout).toContain(`sha256 ${sim.snapshotSha256(snapshotId)}`);
    // Not a TTY: plain lines, the last at 100 %, the aggregate rate over the connections given.
    expect(result.stderr).toMatch(/^saving 33\.0 MiB \/ 33\.0 MiB \(100%\) at \d+\.\d MiB\/s \(2 connections\)$/m);
    expect(result.stderr).not.toMatch(/\(4 connections\)/);
    // More than one part, each its own range.
    const statuses = fileStatuses();
    expect(statuses.filter((status) => status === 206).length).toBeGreaterThanOrEqual(3);
    expect(statuses.every((status) => status === 206)).toBe(true);
  });

  it('--connections 1 is one stream: one whole-file answer, no range, and the line says 1 connection', async () => {
    const out = join(dir, 'one.tar.gz');
    const { snapshotId, args } = one(sim.clusters.shared, out);
    sim.clearRequests();
    const result = await download([...args, '--connections', '1']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(await sha256(out)).toBe(sim.snapshotSha256(snapshotId));
    expect(fileStatuses()).toEqual([200]);
    expect(result.stderr).toMatch(/^saving 33\.0 MiB \/ 33\.0 MiB \(100%\) at \d+\.\d MiB\/s \(1 connection\)$/m);
  });

  it('without the flag, the save uses the default, 4 connections, and says so', async () => {
    const out = join(dir, 'default.tar.gz');
    const { snapshotId, args } = one(sim.clusters.sharedM5, out);
    sim.clearRequests();
    const result = await download(args);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(await sha256(out)).toBe(sim.snapshotSha256(snapshotId));
    expect(result.stderr).toMatch(/^saving 33\.0 MiB \/ 33\.0 MiB \(100%\) at \d+\.\d MiB\/s \(4 connections\)$/m);
    expect(fileStatuses().filter((status) => status === 206).length).toBeGreaterThanOrEqual(3);
  });

  it('--connections 3 --json: one JSON result, the file right, the progress line on stderr over 3 connections', async () => {
    const out = join(dir, 'json.tar.gz');
    const { snapshotId, args } = one(sim.clusters.flexLegacy, out);
    const result = await download([...args, '--connections', '3', '--json']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: out, bytes: SIZE, sha256: sim.snapshotSha256(snapshotId) });
    expect(await sha256(out)).toBe(sim.snapshotSha256(snapshotId));
    expect(result.stderr).toMatch(/^saving 33\.0 MiB \/ 33\.0 MiB \(100%\) at \d+\.\d MiB\/s \(3 connections\)$/m);
  });

  it('with --all, each cluster is saved over the connections given: 1, one stream each', async () => {
    const outDir = join(dir, 'all-one');
    sim.clearRequests();
    const result = await download(['--all', '--out-dir', outDir, '--connections', '1', '--json']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const report = JSON.parse(result.stdout) as { saved: number; clusters: Array<{ status: string; path?: string; sha256?: string; snapshotId?: string }> };
    expect(report.saved).toBe(4);
    for (const outcome of report.clusters.filter((c) => c.status === 'saved')) {
      expect(await sha256(outcome.path as string)).toBe(sim.snapshotSha256(outcome.snapshotId as string));
    }
    expect(fileStatuses()).toEqual([200, 200, 200, 200]);
  });

  it('with --all --connections 2, each cluster is saved in ranges', async () => {
    const outDir = join(dir, 'all-two');
    sim.clearRequests();
    const result = await download(['--all', '--out-dir', outDir, '--connections', '2', '--json']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const report = JSON.parse(result.stdout) as { saved: number; clusters: Array<{ status: string; path?: string; snapshotId?: string }> };
    expect(report.saved).toBe(4);
    for (const outcome of report.clusters.filter((c) => c.status === 'saved')) {
      expect(await sha256(outcome.path as string)).toBe(sim.snapshotSha256(outcome.snapshotId as string));
    }
    const statuses = fileStatuses();
    expect(statuses.every((status) => status === 206)).toBe(true);
    expect(statuses.length).toBeGreaterThanOrEqual(4 * 3);
  });
});

describe('atlas-snapshot download --help', () => {
  it('documents --connections: 1 to 16, default 4, 1 = one stream', async () => {
    const result = await runCli(['download', '--help']);
    expect(result.code).toBe(EXIT_CODES.ok);
    // Commander wraps the help to the terminal's width: read it as one line.
    const help = result.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--connections <n> connections each file is downloaded over at once (ranged requests), 1 to 16; 1 = one stream (default: "4")');
  });
});
