import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/cli-errors.js';
import { reportJson } from '../../src/cli/commands/download.js';
import { DownloadFailedError } from '../../src/errors/download-errors.js';
import { startAtlasSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { requireBuiltCli, runCli, type CliRun } from '../security/helpers/run-cli.js';

/**
 * The CLI's snapshot-list features as users run them: `list`, `download --snapshot latest`
 * and `download --all`, the built dist/cli.js in a child process against the simulator, on
 * both sides of the sunset (one simulator each, its Atlas clock pinned there), real files in
 * a temporary directory.
 */

const BEFORE = '2026-01-10T12:00:00Z';
const AFTER = '2026-06-10T12:00:00Z';
const SIZE = 65_536;
let before: AtlasSimulator;
let after: AtlasSimulator;
let dir: string;

const start = (now: string): Promise<AtlasSimulator> => startAtlasSimulator({ now: () => new Date(now), jobDurationMs: 200, snapshotSizeBytes: SIZE });

beforeAll(async () => {
  requireBuiltCli();
  [before, after] = await Promise.all([start(BEFORE), start(AFTER)]);
});
afterAll(async () => {
  await Promise.all([before?.stop(), after?.stop()]);
});
beforeEach(async (context) => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-cli-snapshots-'));
  context.onTestFinished(() => rm(dir, { recursive: true, force: true }));
});

const envFor = (sim: AtlasSimulator): Record<string, string> => ({
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_PUBLIC_API_KEY: sim.apiKey.publicKey,
  MONGODB_ATLAS_PRIVATE_API_KEY: sim.apiKey.privateKey,
});

/** Each side of the sunset: its simulator, the `--now` the CLI decides with, and the route a shared cluster takes. */
const SIDES = [
  { side: 'before the sunset', sim: () => before, now: BEFORE, sharedRoute: 'tenant' },
  { side: 'after the sunset', sim: () => after, now: AFTER, sharedRoute: 'flex' },
] as const;

function atlas(sim: AtlasSimulator, args: readonly string[], now: string, options: { cwd?: string } = {}): Promise<CliRun> {
  return runCli([...args, '--project', sim.groupId, '--now', now], envFor(sim), options);
}

function expectClean(sim: AtlasSimulator, result: CliRun): void {
  const all = result.stdout + result.stderr;
  expect(all).not.toContain(sim.apiKey.privateKey);
  expect(all).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');
/** The clusters `--all` must save: every shared and Flex one of the seeded project. */
const savable = (sim: AtlasSimulator): string[] => [sim.clusters.shared, sim.clusters.sharedM5, sim.clusters.flexLegacy, sim.clusters.flex].sort();
/** The newest seeded snapshot of a cluster (the simulator's are all COMPLETED). */
const newest = (sim: AtlasSimulator, cluster: string): string => sim.snapshotIds(cluster)[0] as string;

interface SnapshotJson {
  snapshotId: string;
  status: string;
  startedAt: string;
  finishedAt: string;
  expiresAt: string;
  mongoDBVersion: string;
  route: string;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each(SIDES)('atlas-snapshot list, $side', ({ sim, now, sharedRoute }) => {
  it(`prints the shared cluster's snapshots newest first as a table, route ${sharedRoute}`, async () => {
    const cluster = sim().clusters.shared;
    const result = await atlas(sim(), ['list', '--cluster', cluster], now);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +STATUS +STARTED +FINISHED +EXPIRES +MONGODB +ROUTE$/);
    expect(rows.map((row) => row.split(/ +/)[0])).toEqual(sim().snapshotIds(cluster));
    for (const row of rows) {
      expect(row).toMatch(new RegExp(`^[a-f0-9]{24} +COMPLETED +(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +){3}8\\.0\\.4 +${sharedRoute}$`));
    }
    expectClean(sim(), result);
  });

  it('prints one JSON object with ISO dates, newest first', async () => {
    const cluster = sim().clusters.shared;
    const result = await atlas(sim(), ['list', '--cluster', cluster, '--json'], now);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const printed = JSON.parse(result.stdout) as { groupId: string; clusterName: string; snapshots: SnapshotJson[] };
    expect(printed).toMatchObject({ groupId: sim().groupId, clusterName: cluster });
    const ids = sim().snapshotIds(cluster);
    expect(printed.snapshots.map((s) => s.snapshotId)).toEqual(ids);
    expect(printed.snapshots.map((s) => [s.status, s.route, s.mongoDBVersion])).toEqual(ids.map(() => ['COMPLETED', sharedRoute, '8.0.4']));
    for (const snapshot of printed.snapshots) {
      for (const date of [snapshot.startedAt, snapshot.finishedAt, snapshot.expiresAt]) expect(date).toMatch(ISO);
      expect(Date.parse(snapshot.finishedAt)).toBeGreaterThan(Date.parse(snapshot.startedAt));
    }
    const started = printed.snapshots.map((s) => Date.parse(s.startedAt));
    expect(started).toEqual([...started].sort((a, b) => b - a));
    // Atlas's raw body stays out of the CLI's JSON.
    expect(result.stdout).not.toContain('"raw"');
  });

  it('lists a Flex cluster through the Flex endpoint', async () => {
    const cluster = sim().clusters.flex;
    const result = await atlas(sim(), ['list', '--cluster', cluster, '--json'], now);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const { snapshots } = JSON.parse(result.stdout) as { snapshots: SnapshotJson[] };
    expect(snapshots.map((s) => [s.snapshotId, s.route])).toEqual(sim().snapshotIds(cluster).map((id) => [id, 'flex']));
  });

  it('refuses a dedicated cluster with the UnsupportedClusterError message and the Atlas exit code', async () => {
    const cluster = sim().clusters.dedicated;
    const result = await atlas(sim(), ['list', '--cluster', cluster], now);
    expect(result.code).toBe(EXIT_CODES.atlas);
    expect(result.stderr).toMatch(new RegExp(`^atlas-snapshot: UnsupportedClusterError: Cluster '${cluster}' is a dedicated cluster \\(M10\\)`));
    expect(result.stdout).toBe('');
    expectClean(sim(), result);
  });
});

describe.each(SIDES)('atlas-snapshot download --snapshot latest, $side', ({ sim, now, sharedRoute }) => {
  it(`saves the newest COMPLETED snapshot as <cluster>-<id>.tar.gz, route ${sharedRoute}`, async () => {
    const cluster = sim().clusters.shared;
    const latest = newest(sim(), cluster);
    const result = await atlas(sim(), ['download', '--cluster', cluster, '--snapshot', 'latest', '--poll-interval', '50', '--json'], now, { cwd: dir });
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const printed = JSON.parse(result.stdout) as { path: string; bytes: number; sha256: string; job: Record<string, unknown> };
    const path = join(dir, `${cluster}-${latest}.tar.gz`);
    expect(printed).toMatchObject({ path, bytes: sim().snapshotSize(latest), sha256: sim().snapshotSha256(latest) });
    expect(printed.job).toMatchObject({ snapshotId: latest, status: 'COMPLETED', route: sharedRoute });
    expect(await readdir(dir)).toEqual([`${cluster}-${latest}.tar.gz`]);
    expect(await sha256(path)).toBe(sim().snapshotSha256(latest));
    // One job, for the newest snapshot only.
    expect(sim().jobsFor(latest).length).toBeGreaterThan(0);
    for (const older of sim().snapshotIds(cluster).slice(1)) expect(sim().jobsFor(older)).toEqual([]);
  });

  it('says which snapshot it picked, for people, and honours --out', async () => {
    const cluster = sim().clusters.flex;
    const latest = newest(sim(), cluster);
    const out = join(dir, 'mine.tar.gz');
    const result = await atlas(sim(), ['download', '--cluster', cluster, '--snapshot', 'latest', '--out', out, '--poll-interval', '50'], now);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(result.stdout).toMatch(new RegExp(`^snapshot +${latest} \\(newest COMPLETED, started \\d{4}-`, 'm'));
    expect(result.stdout).toMatch(/^route +flex → downloadFlexBackup/m);
    expect(await readdir(dir)).toEqual(['mine.tar.gz']);
    expect(await sha256(out)).toBe(sim().snapshotSha256(latest));
  });
});

describe('atlas-snapshot download --snapshot latest: the destination is checked before a job is requested', () => {
  it('an --out in a missing directory is refused before any request', async () => {
    const sim = before;
    sim.clearRequests();
    const result = await atlas(sim, ['download', '--cluster', sim.clusters.flex, '--snapshot', 'latest', '--out', join(dir, 'missing', 'x.tar.gz')], BEFORE);
    expect(result.code, result.stderr).toBe(EXIT_CODES.io);
    expect(sim.requests).toEqual([]);
    expect(result.sockets).toEqual([]);
  });

  it('the default name, once the list resolved it, is checked before the download is requested', async () => {
    const sim = before;
    const cluster = sim.clusters.flex;
    const latest = newest(sim, cluster);
    // A directory where the file would go: the destination check refuses it.
    await mkdir(join(dir, `${cluster}-${latest}.tar.gz`));
    const jobs = sim.jobsFor(latest).length;
    sim.clearRequests();
    const result = await atlas(sim, ['download', '--cluster', cluster, '--snapshot', 'latest'], BEFORE, { cwd: dir });
    expect(result.code, result.stderr).toBe(EXIT_CODES.io);
    expect(result.stderr).toMatch(/is an existing directory/);
    expect(result.stderr).toContain(`${cluster}-${latest}.tar.gz`);
    // The list was read; no download was requested.
    expect(sim.requests.map((r) => r.operationId)).toContain('listFlexBackupSnapshots');
    expect(sim.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(sim.jobsFor(latest)).toHaveLength(jobs);
  });
});

interface OutcomeJson {
  status: string;
  clusterName: string;
  kind: string;
  snapshotId?: string;
  route?: string;
  path?: string;
  bytes?: number;
  sha256?: string;
  reason?: string;
  error?: Record<string, unknown>;
}
interface ReportJson {
  groupId: string;
  outDir: string;
  complete: boolean;
  saved: number;
  skipped: number;
  failed: number;
  clusters: OutcomeJson[];
}

/** Every shared and Flex cluster's newest snapshot is in `outDir`, named, sized and hashed right; nothing else is. */
async function expectEverySaved(sim: AtlasSimulator, outDir: string, except: readonly string[] = []): Promise<void> {
  const clusters = savable(sim).filter((name) => !except.includes(name));
  expect(clusters.length).toBeGreaterThan(0);
  const expected = clusters.map((name) => `${name}-${newest(sim, name)}.tar.gz`).sort();
  expect((await readdir(outDir)).sort()).toEqual(expected);
  for (const name of clusters) {
    const id = newest(sim, name);
    const file = await readFile(join(outDir, `${name}-${id}.tar.gz`));
    expect(file.length).toBe(sim.snapshotSize(id));
    expect(createHash('sha256').update(file).digest('hex')).toBe(sim.snapshotSha256(id));
  }
}

describe('atlas-snapshot download --all', () => {
  it('saves every shared and Flex cluster, skips the dedicated one with its reason, exits 0, and reports progress on stderr', async () => {
    const sim = before;
    const outDir = join(dir, 'all');
    const result = await atlas(sim, ['download', '--all', '--out-dir', outDir, '--poll-interval', '50'], BEFORE);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    await expectEverySaved(sim, outDir);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^CLUSTER +KIND +OUTCOME +SNAPSHOT +FILE OR REASON$/);
    expect(rows.at(-1)).toBe(`saved 4, skipped 1, failed 0: every shared and Flex cluster is saved in ${outDir}`);
    for (const name of savable(sim)) {
      const id = newest(sim, name);
      expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^${name} +(shared|flex) +saved +${id} +${join(outDir, `${name}-${id}.tar.gz`)} \\(${SIZE} bytes\\)$`)));
      expect(result.stderr).toMatch(new RegExp(`^saved +${name} \\((shared|flex)\\) snapshot ${id} → `, 'm'));
    }
    const dedicated = sim.clusters.dedicated;
    expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^${dedicated} +dedicated +skipped +- +Cluster '${dedicated}' is a dedicated cluster \\(M10\\)`)));
    expect(result.stderr).toMatch(new RegExp(`^skipped +${dedicated} \\(dedicated\\): Cluster '${dedicated}' is a dedicated cluster`, 'm'));
    expectClean(sim, result);
  });

  it.each(SIDES)('--json prints one report object with no progress lines, $side', async ({ sim, now, sharedRoute }) => {
    const outDir = join(dir, 'json');
    const result = await atlas(sim(), ['download', '--all', '--out-dir', outDir, '--poll-interval', '50', '--concurrency', '4', '--json'], now);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(result.stderr).not.toMatch(/^(saved|skipped|failed) /m);
    const report = JSON.parse(result.stdout) as ReportJson;
    expect(report).toMatchObject({ groupId: sim().groupId, outDir, complete: true, saved: 4, skipped: 1, failed: 0 });
    const names = [...savable(sim()), sim().clusters.dedicated].sort();
    expect(report.clusters.map((c) => c.clusterName)).toEqual(names);
    for (const name of savable(sim())) {
      const id = newest(sim(), name);
      const route = name === sim().clusters.shared || name === sim().clusters.sharedM5 ? sharedRoute : 'flex';
      expect(report.clusters.find((c) => c.clusterName === name)).toEqual({
        status: 'saved',
        clusterName: name,
        kind: expect.stringMatching(/^(shared|flex)$/),
        snapshotId: id,
        route,
        path: join(outDir, `${name}-${id}.tar.gz`),
        bytes: sim().snapshotSize(id),
        sha256: sim().snapshotSha256(id),
      });
    }
    expect(report.clusters.find((c) => c.clusterName === sim().clusters.dedicated)).toEqual({
      status: 'skipped',
      clusterName: sim().clusters.dedicated,
      kind: 'dedicated',
      reason: expect.stringMatching(/is a dedicated cluster \(M10\)/),
    });
    await expectEverySaved(sim(), outDir);
  });

  describe('when one cluster fails', () => {
    // Its own simulator: a snapshot whose jobs fail stays so.
    let failing: AtlasSimulator;
    let broken: string;
    beforeAll(async () => {
      failing = await start(BEFORE);
      broken = failing.clusters.sharedM5;
      failing.failJobsFor(newest(failing, broken));
    });
    afterAll(async () => {
      await failing?.stop();
    });

    it('saves the others, names it and its reason in the summary, and exits with the Atlas code', async () => {
      const outDir = join(dir, 'partial');
      const result = await atlas(failing, ['download', '--all', '--out-dir', outDir, '--poll-interval', '50'], BEFORE);
      expect(result.code, result.stderr).toBe(EXIT_CODES.atlas);
      await expectEverySaved(failing, outDir, [broken]);
      const id = newest(failing, broken);
      expect(result.stdout).toMatch(new RegExp(`^${broken} +shared +failed +${id} +\\S.*FAILED`, 'm'));
      expect(result.stdout).toMatch(/^saved 3, skipped 1, failed 1: not every shared and Flex cluster is saved$/m);
      expect(result.stderr).toMatch(new RegExp(`^failed +${broken} \\(shared\\) snapshot ${id}: `, 'm'));
      expect(result.stderr).toMatch(
        new RegExp(`^atlas-snapshot: IncompleteProjectDownloadError: 1 of 4 shared and Flex clusters of project ${failing.groupId} were not saved \\(${broken}\\)`, 'm'),
      );
      expectClean(failing, result);
    });

    it('--json gives the failure as plain data: its reason and the error as code and message', async () => {
      const outDir = join(dir, 'partial-json');
      const result = await atlas(failing, ['download', '--all', '--out-dir', outDir, '--poll-interval', '50', '--json'], BEFORE);
      expect(result.code, result.stderr).toBe(EXIT_CODES.atlas);
      const report = JSON.parse(result.stdout) as ReportJson;
      expect(report).toMatchObject({ complete: false, saved: 3, skipped: 1, failed: 1 });
      const failed = report.clusters.find((c) => c.clusterName === broken);
      expect(failed).toEqual({
        status: 'failed',
        clusterName: broken,
        kind: 'shared',
        snapshotId: newest(failing, broken),
        reason: expect.stringMatching(/FAILED/),
        error: expect.objectContaining({ name: 'DownloadFailedError', code: 'DOWNLOAD_FAILED', message: failed?.reason }),
      });
      await expectEverySaved(failing, outDir, [broken]);
    });
  });

  it('the report JSON holds no Error object: a library error as its toJSON(), any other as name, message and code', () => {
    // In process: the simulator cannot make a cluster fail with an error the library did not foresee.
    const foreign = Object.assign(new TypeError('socket hang up at https://host/x?X-Amz-Signature=abc'), { code: 'ECONNRESET' });
    const job = { id: 'a'.repeat(24), route: 'flex', status: 'FAILED', snapshotId: 'b'.repeat(24), clusterName: 'c' } as const;
    const atlasError = new DownloadFailedError(job as never);
    const failed = (clusterName: string, error: Error) => ({ status: 'failed', clusterName, kind: 'flex', snapshotId: undefined, reason: error.message, error }) as const;
    const report = { groupId: 'd'.repeat(24), outDir: '/x', saved: 0, skipped: 0, failed: 2, complete: false, clusters: [failed('one', foreign), failed('two', atlasError)] };
    const printed = reportJson(report);
    expect(JSON.parse(JSON.stringify(printed))).toEqual(printed);
    const [one, two] = printed.clusters as OutcomeJson[];
    expect(one?.error).toEqual({ name: 'TypeError', message: 'socket hang up at https://host/x?[REDACTED]', code: 'ECONNRESET' });
    expect(two?.error).toEqual(atlasError.toJSON());
  });

  describe('usage errors are answered before any request', () => {
    it.each([
      ['--all with --cluster', (outDir: string) => ['--all', '--out-dir', outDir, '--cluster', before.clusters.flex], /Invalid --cluster: expected nothing with --all/],
      ['--all with --snapshot', (outDir: string) => ['--all', '--out-dir', outDir, '--snapshot', 'latest'], /Invalid --snapshot: expected nothing with --all/],
      ['--all with --out', (outDir: string) => ['--all', '--out-dir', outDir, '--out', join(outDir, 'x.tar.gz')], /Invalid --out: expected nothing with --all/],
      ['--all without --out-dir', () => ['--all'], /Invalid --out-dir: .*required with --all, received nothing/],
      ['an empty --out-dir', () => ['--all', '--out-dir='], /Invalid --out-dir: expected a directory path \(a non-empty string\), received ""/],
      ['--concurrency 0', (outDir: string) => ['--all', '--out-dir', outDir, '--concurrency', '0'], /Invalid --concurrency: .*received "0"/],
      ['--concurrency 17', (outDir: string) => ['--all', '--out-dir', outDir, '--concurrency', '17'], /Invalid --concurrency: .*received "17"/],
      ['--concurrency 1.5', (outDir: string) => ['--all', '--out-dir', outDir, '--concurrency', '1.5'], /Invalid --concurrency: .*received "1\.5"/],
      ['--concurrency two', (outDir: string) => ['--all', '--out-dir', outDir, '--concurrency', 'two'], /Invalid --concurrency: .*received "two"/],
      ['--out-dir without --all', (outDir: string) => ['--cluster', before.clusters.flex, '--snapshot', 'latest', '--out-dir', outDir], /Invalid --out-dir: expected nothing without --all/],
      ['--concurrency without --all', () => ['--cluster', before.clusters.flex, '--snapshot', 'latest', '--concurrency', '2'], /Invalid --concurrency: expected nothing without --all/],
      ['no --snapshot without --all', () => ['--cluster', before.clusters.flex], /Invalid --snapshot: .*required unless --all, received nothing/],
      ['no --cluster without --all', () => ['--snapshot', 'latest'], /Invalid --cluster: .*required unless --all, received nothing/],
      ['a malformed --snapshot', () => ['--cluster', before.clusters.flex, '--snapshot', 'newest'], /Invalid --snapshot: .*or 'latest'/],
    ])('%s', async (_name, extra, message) => {
      const outDir = join(dir, 'never-made');
      before.clearRequests();
      const result = await atlas(before, ['download', ...extra(outDir)], BEFORE, { cwd: dir });
      expect(result.code, result.stderr).toBe(EXIT_CODES.usage);
      expect(result.stderr).toMatch(new RegExp(`^atlas-snapshot: ValidationError: ${message.source}`));
      expect(result.stdout).toBe('');
      expect(before.requests).toEqual([]);
      expect(result.sockets).toEqual([]);
      expect(existsSync(outDir)).toBe(false);
      expect(await readdir(dir)).toEqual([]);
    });

    it('list refuses a malformed --project the same way', async () => {
      before.clearRequests();
      const result = await runCli(['list', '--project', 'nope', '--cluster', before.clusters.flex, '--now', BEFORE], envFor(before));
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr).toMatch(/^atlas-snapshot: ValidationError: Invalid --project: /);
      expect(before.requests).toEqual([]);
      expect(result.sockets).toEqual([]);
    });
  });
});

describe('atlas-snapshot help', () => {
  it('list --help names the columns; download --help documents --all and its exit codes', async () => {
    const list = await runCli(['list', '--help']);
    expect(list.code).toBe(EXIT_CODES.ok);
    expect(list.stdout).toMatch(/Usage: atlas-snapshot list/);
    expect(list.stdout).toMatch(/Columns: id, status, started, finished, expires, MongoDB version, route/);
    const download = await runCli(['download', '--help']);
    expect(download.code).toBe(EXIT_CODES.ok);
    expect(download.stdout).toMatch(/--all +save the latest COMPLETED snapshot of every shared/);
    expect(download.stdout).toMatch(/--snapshot <id> +snapshot id \(24 hex characters\), or 'latest'/);
    expect(download.stdout).toMatch(new RegExp(`Exit code ${EXIT_CODES.ok} when every shared and Flex cluster was saved .*, ${EXIT_CODES.atlas} when any was not`, 's'));
  });
});
