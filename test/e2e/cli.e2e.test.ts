import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/cli-errors.js';
import { startAtlasSimulator } from '../../src/simulator/index.js';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const BEFORE = '2026-01-10T12:00:00Z';
const AFTER = '2026-06-10T12:00:00Z';
let sim: Simulator;
let dir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

const atlasEnv = (): Record<string, string> => ({
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_PUBLIC_API_KEY: sim.apiKey.publicKey,
  MONGODB_ATLAS_PRIVATE_API_KEY: sim.apiKey.privateKey,
});

function expectClean(result: Run): void {
  const all = result.stdout + result.stderr;
  expect(all).not.toContain(sim.apiKey.privateKey);
  expect(all).not.toContain(sim.serviceAccount.clientSecret);
  expect(all).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: the CLI tests run the built package; run "npm run build" (npm test does).`);
  sim = await startAtlasSimulator({ now: () => new Date(BEFORE), jobDurationMs: 200 });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(async (context) => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-cli-'));
  context.onTestFinished(() => rm(dir, { recursive: true, force: true }));
});

describe('atlas-snapshot --help', () => {
  it.each([[[]], [['download']], [['explain']], [['list']], [['simulate']]])('%j --help prints usage and exits 0', async (command) => {
    const result = await run([...command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: atlas-snapshot/);
  });
  it('lists the exit codes', async () => {
    expect((await run(['--help'])).stdout).toMatch(/Exit codes: 0 done, 2 usage error, 3 authentication refused, 4 Atlas error/);
  });
});

describe('atlas-snapshot download', () => {
  it('downloads, saves and prints one JSON result', async () => {
    const cluster = sim.clusters.shared;
    const snapshotId = sim.snapshotIds(cluster)[0] as string;
    const out = join(dir, 'snap.tar.gz');
    const result = await run(
      ['download', '--project', sim.groupId, '--cluster', cluster, '--snapshot', snapshotId, '--out', out, '--now', BEFORE, '--poll-interval', '50', '--json'],
      atlasEnv(),
    );
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, any>;
    expect(printed).toMatchObject({ path: out, bytes: sim.snapshotSize(snapshotId), sha256: sim.snapshotSha256(snapshotId) });
    expect(printed.decision).toMatchObject({ route: 'tenant', clusterKind: 'shared', flag: 'auto' });
    expect(printed.job).toMatchObject({ status: 'COMPLETED', route: 'tenant', snapshotId });
    expect(createHash('sha256').update(await readFile(out)).digest('hex')).toBe(sim.snapshotSha256(snapshotId));
    expect(result.stdout).not.toContain('snapshot-files/');
    expect(result.stderr).toMatch(/saving .*100%/);
    expectClean(result);
  });

  it('prints the decision and the statuses for people, and honours --route', async () => {
    const cluster = sim.clusters.flex;
    const result = await run(
      ['download', '--project', sim.groupId, '--cluster', cluster, '--snapshot', sim.snapshotIds(cluster)[0] as string, '--out', join(dir, 'f.tar.gz'), '--now', BEFORE, '--route', 'tenant', '--poll-interval', '50'],
      atlasEnv(),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/route +flex → downloadFlexBackup/);
    expect(result.stdout).toMatch(/fallback +tenant → flex/);
    expect(result.stdout).toMatch(/status +COMPLETED/);
    expect(result.stdout).toMatch(/saved +.*f\.tar\.gz/);
  });

  it.each([
    ['a malformed project id', ['--project', 'nope'], EXIT_CODES.usage, /--project/],
    ['an unknown option', ['--bogus'], EXIT_CODES.usage, /unknown option/],
    ['a bad --route', ['--route', 'sideways'], EXIT_CODES.usage, /--route/],
  ])('%s is a usage error', async (_name, extra, code, message) => {
    const cluster = sim.clusters.flex;
    const base = ['download', '--project', sim.groupId, '--cluster', cluster, '--snapshot', sim.snapshotIds(cluster)[0] as string, '--out', join(dir, 'x'), '--now', BEFORE];
    const result = await run([...base, ...extra], atlasEnv());
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expectClean(result);
  });

  it('missing credentials are a usage error naming the variables', async () => {
    const result = await run(['explain', '--project', sim.groupId, '--cluster', sim.clusters.flex], { MONGODB_ATLAS_BASE_URL: sim.url });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/MONGODB_ATLAS_PUBLIC_API_KEY/);
  });

  it('a wrong key is an authentication error, and the key never shows, even with --verbose', async () => {
    const result = await run(['explain', '--project', sim.groupId, '--cluster', sim.clusters.flex, '--now', BEFORE, '--verbose'], {
      ...atlasEnv(),
      MONGODB_ATLAS_PRIVATE_API_KEY: 'wrong-private-key-123',
    });
    expect(result.code).toBe(EXIT_CODES.auth);
    expect(result.stderr).toMatch(/HTTP 401/);
    expect(result.stderr).not.toContain('wrong-private-key-123');
  });

  it('--verbose adds the stack, the default output does not', async () => {
    const args = ['explain', '--project', sim.groupId, '--cluster', sim.clusters.dedicated, '--now', BEFORE];
    const plain = await run(args, atlasEnv());
    const verbose = await run([...args, '--verbose'], atlasEnv());
    expect(plain.code).toBe(EXIT_CODES.atlas);
    expect(plain.stderr.trim().split('\n')).toHaveLength(2);
    expect(verbose.stderr).toMatch(/\n\s+at .+:\d+:\d+/);
    expectClean(plain);
  });

  it('a refused route (tenant after the sunset) is an Atlas-side error', async () => {
    const result = await run(['explain', '--project', sim.groupId, '--cluster', sim.clusters.shared, '--now', AFTER, '--route', 'tenant'], atlasEnv());
    expect(result.code).toBe(EXIT_CODES.atlas);
    expect(result.stderr).toMatch(/SunsetError/);
  });

  it('a job that takes too long is a timeout', async () => {
    const cluster = sim.clusters.flexLegacy;
    const result = await run(
      ['download', '--project', sim.groupId, '--cluster', cluster, '--snapshot', sim.snapshotIds(cluster)[1] as string, '--out', join(dir, 't'), '--now', BEFORE, '--timeout', '20', '--poll-interval', '5'],
      atlasEnv(),
    );
    expect(result.code).toBe(EXIT_CODES.timeout);
    expect(result.stderr).toMatch(/timed out after/);
  });

  it('a destination in a missing directory is an I/O error before any download is requested', async () => {
    sim.clearRequests();
    const cluster = sim.clusters.flex;
    const result = await run(
      ['download', '--project', sim.groupId, '--cluster', cluster, '--snapshot', sim.snapshotIds(cluster)[0] as string, '--out', join(dir, 'missing', 'x.tar.gz'), '--now', BEFORE],
      atlasEnv(),
    );
    expect(result.code).toBe(EXIT_CODES.io);
    expect(sim.requests).toHaveLength(0);
  });

  it('a transfer that keeps breaking is an I/O error that leaves no file at the destination', async () => {
    const cluster = sim.clusters.sharedM5;
    sim.cutSnapshotTransfers(1000, 20);
    try {
      const result = await run(
        ['download', '--project', sim.groupId, '--cluster', cluster, '--snapshot', sim.snapshotIds(cluster)[0] as string, '--out', join(dir, 'broken.tar.gz'), '--now', BEFORE, '--poll-interval', '50'],
        atlasEnv(),
      );
      expect(result.code).toBe(EXIT_CODES.io);
      expect((await readdir(dir)).filter((name) => name === 'broken.tar.gz')).toEqual([]);
      expectClean(result);
    } finally {
      sim.cutSnapshotTransfers(0, 0);
    }
  });
});

describe('atlas-snapshot explain', () => {
  it('prints the decision as JSON without requesting a download', async () => {
    sim.clearRequests();
    const result = await run(['explain', '--project', sim.groupId, '--cluster', sim.clusters.shared, '--now', BEFORE, '--json'], atlasEnv());
    expect(result.code, result.stderr).toBe(0);
    const { decision } = JSON.parse(result.stdout) as { decision: Record<string, unknown> };
    expect(decision).toMatchObject({ route: 'tenant', clusterKind: 'shared', sunsetDate: '2026-01-22T00:00:00.000Z' });
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('accepts a service account from the environment', async () => {
    const result = await run(['explain', '--project', sim.groupId, '--cluster', sim.clusters.flex, '--now', BEFORE, '--json'], {
      MONGODB_ATLAS_BASE_URL: sim.url,
      MONGODB_ATLAS_CLIENT_ID: sim.serviceAccount.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: sim.serviceAccount.clientSecret,
    });
    expect(result.code, result.stderr).toBe(0);
    expectClean(result);
  });
});

describe('atlas-snapshot simulate', () => {
  it('prints its URL and credentials, serves until interrupted, then exits 0', async () => {
    const child = spawn(process.execPath, [CLI, 'simulate', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const first = await new Promise<string>((resolveLine, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        if (buffer.includes('\n')) resolveLine(buffer.split('\n')[0] as string);
      });
      child.on('error', reject);
    });
    const info = JSON.parse(first) as { url: string; groupId: string; apiKey: { publicKey: string } };
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${info.url}/api/atlas/v2/groups/${info.groupId}/flexClusters/x`);
    expect(response.status).toBe(401);
    const exit = new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });
});
