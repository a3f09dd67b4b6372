/**
 * The package as users get it: `npm pack` the built dist/, install the tarball into a scratch
 * project with no network, and use it from ES modules, CommonJS, TypeScript (node16 and
 * bundler resolution) and the command line. Needs a build (`npm test` builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXIOS_CONSUMER, CORE_CONSUMER, OPENFEATURE_CONSUMER, scratchTsconfig } from './fixtures/typescript-consumers.js';
import { run, writeScratchProject } from './scratch-project.js';

const REPO = resolve(import.meta.dirname, '../..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const LONG = 180_000;
const ENTRY_POINTS = ['.', './simulator', './adapters/legacy-client', './adapters/undici', './adapters/env', './adapters/openfeature', './adapters/axios', './adapters/fetch'];
/** The entry points that import an optional peer at run time, so load only where it is installed. */
const NEEDS_PEER = ['./adapters/axios'];
const OPENFEATURE_SDK = '@openfeature/server-sdk';
const AXIOS = 'axios';

interface PackedFile {
  path: string;
  mode: number;
}
interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, Record<string, string>>>;
}
interface ConsumerReport {
  resolved: string;
  exports: Record<'core' | 'simulator' | 'legacyClient' | 'undici' | 'env' | 'openfeature' | 'fetch', string[]>;
  version: string;
  VERSION: string;
  sameClasses: boolean;
  legacyInstance: boolean;
  thrownBy: Record<string, unknown>;
  deepImport: string;
  openFeatureInstalled: boolean;
  axiosAdapter: string;
  loaded?: string[];
  decisions: { shared: [string, string]; flex: [string, string] };
}

let root: string | undefined;
let tarball: string;
let packed: PackedFile[];
let manifest: PackageJson;
/** The scratch project: the tarball and @types/node, without the optional peers (OpenFeature, axios). */
let app: string;

/** The undici version the repository's lockfile installs (what the rest of the suite runs on). */
function lockedUndici(): string {
  return (JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> }).packages['node_modules/undici']?.version ?? '';
}

/** Installs a scratch project's lockfile from the npm cache alone. */
async function installOffline(dir: string): Promise<void> {
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir);
}

async function runJson<T>(dir: string, script: string): Promise<T> {
  await writeFile(join(dir, script), await readFile(join(FIXTURES, script)));
  const { stdout } = await run(process.execPath, [script], dir);
  return JSON.parse(stdout) as T;
}

async function typecheck(dir: string, resolution: 'node16' | 'bundler', sources: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(sources)) await writeFile(join(dir, file), text);
  const config = `tsconfig.${resolution}.json`;
  await writeFile(join(dir, config), scratchTsconfig(resolution, Object.keys(sources)));
  // Rejects with tsc's diagnostics when there is any.
  await run(process.execPath, [TSC, '-p', config], dir);
}

beforeAll(async () => {
  for (const built of ['dist/index.js', 'dist/index.cjs', 'dist/cli.js']) {
    if (!existsSync(join(REPO, built))) throw new Error(`${built} is missing: the pack test packs the built package; run "npm run build" first (npm test does).`);
  }
  root = await mkdtemp(join(tmpdir(), 'atlas-snapshot-shim-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], REPO);
  const [info] = JSON.parse(stdout) as [{ filename: string; files: PackedFile[] }];
  tarball = join(root, info.filename);
  packed = info.files;
  manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as PackageJson;
  app = join(root, 'app');
  await mkdir(app);
  await writeScratchProject({ repo: REPO, tarball, dir: app, devDependencies: ['@types/node'] });
  await installOffline(app);
}, LONG);

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the build, README, CHANGELOG and LICENSE, and nothing else', () => {
    const paths = packed.map((file) => file.path).sort();
    for (const path of paths) expect(path).toMatch(/^(dist\/.+\.(js|cjs|d\.ts|d\.cts|map)|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']));
    // The CLI ships as its bin only: no CommonJS build or types of it.
    expect(paths.filter((path) => /^dist\/cli\./.test(path)).sort()).toEqual(['dist/cli.js', 'dist/cli.js.map']);
    // Every source map sits beside the file it maps.
    for (const map of paths.filter((path) => path.endsWith('.map'))) expect(paths).toContain(map.slice(0, -'.map'.length));
  });

  it('lists types first for every entry point, .d.ts for import and .d.cts for require, all shipped', () => {
    const paths = new Set(packed.map((file) => file.path));
    expect(Object.keys(manifest.exports).sort()).toEqual([...ENTRY_POINTS, './package.json'].sort());
    for (const entry of ENTRY_POINTS) {
      const conditions = manifest.exports[entry] as Record<string, Record<string, string>>;
      expect(Object.keys(conditions), entry).toEqual(['import', 'require']);
      for (const [condition, extension] of [['import', /\.d\.ts$/], ['require', /\.d\.cts$/]] as const) {
        const targets = conditions[condition]!;
        expect(Object.keys(targets), `${entry} ${condition}`).toEqual(['types', 'default']);
        expect(targets.types).toMatch(extension);
        for (const target of Object.values(targets)) expect(paths, `${entry} ${condition}: ${target}`).toContain(target.replace(/^\.\//, ''));
      }
    }
  });

  it('runs the CLI bin from the installed package', async () => {
    const [name, target] = Object.entries(manifest.bin)[0]!;
    const file = packed.find((entry) => entry.path === target.replace(/^\.\//, ''));
    expect(file, target).toBeDefined();
    const installed = await readFile(join(app, 'node_modules', manifest.name, target), 'utf8');
    expect(installed.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const bin = join(app, 'node_modules', '.bin', name);
    const help = await run(bin, ['--help'], app);
    expect(help.stdout).toContain(`Usage: ${name}`);
    expect(help.stdout).toMatch(/Exit codes:/);
    expect((await run(bin, ['--version'], app)).stdout.trim()).toBe(manifest.version);
  });
});

describe('installed in a project without the optional peers (OpenFeature, axios)', () => {
  const checkReport = (report: ConsumerReport, entry: string): void => {
    expect(report.resolved.replaceAll('\\', '/')).toMatch(new RegExp(`/node_modules/atlas-snapshot-shim/${entry.replaceAll('.', '\\.')}$`));
    expect(report.exports.core).toEqual(expect.arrayContaining(['createSnapshotShim', 'decideRoute', 'ShimError', 'ValidationError', 'VERSION']));
    expect(report.exports.simulator).toContain('startAtlasSimulator');
    expect(report.exports.legacyClient).toEqual(expect.arrayContaining(['createLegacyClient', 'ShimError', 'ValidationError']));
    expect(report.exports.undici).toEqual(expect.arrayContaining(['createShimDispatcher', 'createShimInterceptor']));
    expect(report.exports.env).toEqual(expect.arrayContaining(['envFlag', 'rulesFlag']));
    expect(report.exports.openfeature).toContain('openFeatureFlag');
    expect(report.exports.fetch).toContain('createShimFetch');
    expect(report.version).toBe(manifest.version);
    expect(report.VERSION).toBe(manifest.version);
    // One copy of the error classes behind every subpath, so `instanceof` holds across them.
    expect(report.sameClasses).toBe(true);
    expect(report.legacyInstance).toBe(true);
    const validation = { name: 'ValidationError', shimError: true, validationError: true };
    expect(report.thrownBy).toEqual({ legacyClient: validation, undici: validation, env: validation, openfeature: validation, fetch: validation });
    expect(report.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // Every subpath, the OpenFeature adapter included, loaded with the peers absent; the axios adapter, which imports axios, says it is missing.
    expect(report.openFeatureInstalled).toBe(false);
    expect(report.axiosAdapter).toMatch(/^(ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND) axios$/);
    // A real round trip through the installed code and its dependencies.
    expect(report.decisions).toEqual({ shared: ['tenant', 'shared'], flex: ['flex', 'flex'] });
  };

  it('works from an ES module: every subpath, one error hierarchy, a real call', { timeout: LONG }, async () => {
    checkReport(await runJson<ConsumerReport>(app, 'consumer.mjs'), 'dist/index.js');
  });

  it('works from CommonJS: every subpath, one error hierarchy, a real call, CommonJS files only', { timeout: LONG }, async () => {
    const report = await runJson<ConsumerReport>(app, 'consumer.cjs');
    checkReport(report, 'dist/index.cjs');
    for (const file of report.loaded ?? []) expect(file).toMatch(/^(dist\/.+\.cjs|package\.json)$/);
    const loadable = ENTRY_POINTS.filter((entry) => !NEEDS_PEER.includes(entry));
    expect(report.loaded).toEqual(expect.arrayContaining(loadable.map((entry) => `dist/${entry === '.' ? 'index' : entry.slice(2)}.cjs`)));
  });

  it('type-checks with moduleResolution node16, from ESM (.d.ts) and from CommonJS (.d.cts)', { timeout: LONG }, async () => {
    await typecheck(app, 'node16', { 'consumer.mts': CORE_CONSUMER, 'consumer.cts': CORE_CONSUMER });
  });

  it('type-checks with moduleResolution bundler', { timeout: LONG }, async () => {
    await typecheck(app, 'bundler', { 'consumer.ts': CORE_CONSUMER });
  });
});

describe('installed in a project that already depends on an older undici 7 minor', () => {
  // The floor of the package's undici range, which the suite also runs on (the `undici-floor`
  // dev dependency, an npm alias, puts it in the lockfile and the npm cache).
  let older: string;
  let floor: string;

  beforeAll(async () => {
    const lock = JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    floor = lock.packages['node_modules/undici-floor']?.version as string;
    older = join(root!, 'older-undici');
    await mkdir(older);
    await writeScratchProject({ repo: REPO, tarball, dir: older, preinstalled: { undici: 'undici-floor' } });
    await installOffline(older);
  }, LONG);

  it("keeps one copy of undici, the project's, which the package's range accepts", { timeout: LONG }, async () => {
    expect(floor).toMatch(/^7\.\d+\.\d+$/);
    expect(floor).not.toBe(lockedUndici());
    expect(manifest.dependencies?.undici).toBe(`^${floor}`);
    // `npm ls` exits non-zero (and run rejects) when an installed version is outside a range that asks for it.
    const { stdout } = await run('npm', ['ls', 'undici', '--all', '--json'], older);
    const tree = JSON.parse(stdout) as { dependencies: Record<string, { version: string; dependencies?: Record<string, { version: string }> }> };
    expect(tree.dependencies.undici?.version).toBe(floor);
    expect(tree.dependencies['atlas-snapshot-shim']?.dependencies?.undici?.version).toBe(floor);
    // On disk: exactly one undici.
    const copies = (await readdir(older, { recursive: true })).filter((path) => path.replaceAll('\\', '/').endsWith('node_modules/undici/package.json'));
    expect(copies).toEqual([join('node_modules', 'undici', 'package.json')]);
  });

  it('downloads, and serves the project’s own undici calls, on that copy', { timeout: LONG }, async () => {
    const report = await runJson<{
      appUndici: string;
      packageUndici: string;
      version: string;
      download: Record<string, unknown>;
      adapter: { status: number; contentType: string; ids: string[]; expected: string[] };
    }>(older, 'shared-undici-consumer.mjs');
    expect(report.version).toBe(floor);
    expect(report.packageUndici).toBe(report.appUndici);
    const { download } = report;
    expect(download).toMatchObject({ route: 'flex', sha256Matches: true });
    expect(download.snapshotId).toBe(download.newest);
    expect(download.bytes).toBe(download.size);
    expect(report.adapter).toMatchObject({ status: 200, contentType: 'application/vnd.atlas.2023-01-01+json' });
    expect(report.adapter.ids).toEqual(report.adapter.expected);
    expect(report.adapter.ids.length).toBeGreaterThan(0);
  });
});

describe('installed in a project with the optional peers (the OpenFeature SDK, axios)', () => {
  let withSdk: string;

  beforeAll(async () => {
    withSdk = join(root!, 'with-openfeature');
    await mkdir(withSdk);
    await writeScratchProject({ repo: REPO, tarball, dir: withSdk, extraDependencies: [OPENFEATURE_SDK, AXIOS], devDependencies: ['@types/node'] });
    await installOffline(withSdk);
  }, LONG);

  it('routes a real call by an OpenFeature flag', { timeout: LONG }, async () => {
    expect(await runJson(withSdk, 'openfeature-consumer.mjs')).toEqual({ route: 'flex', flag: 'flex' });
  });

  it('type-checks the OpenFeature adapter with node16 and bundler resolution', { timeout: LONG }, async () => {
    await typecheck(withSdk, 'node16', { 'openfeature.mts': OPENFEATURE_CONSUMER, 'openfeature.cts': OPENFEATURE_CONSUMER });
    await typecheck(withSdk, 'bundler', { 'openfeature.ts': OPENFEATURE_CONSUMER });
  });

  it('serves an axios instance’s tenant call through Flex, from ESM and from CommonJS, with one copy of axios', { timeout: LONG }, async () => {
    const expected = {
      clusterName: expect.any(String),
      targetDeploymentItemName: expect.any(String),
      contentType: 'application/vnd.atlas.2023-01-01+json',
      served: ['downloadFlexBackup'],
      refused: [true, 404],
      restored: true,
    };
    for (const script of ['axios-consumer.mjs', 'axios-consumer.cjs']) {
      const report = await runJson<{ clusterName: string; targetDeploymentItemName: string }>(withSdk, script);
      expect(report, script).toEqual(expected);
      expect(report.targetDeploymentItemName).toBe(report.clusterName);
    }
  });

  it('type-checks the axios adapter with node16 and bundler resolution', { timeout: LONG }, async () => {
    await typecheck(withSdk, 'node16', { 'axios.mts': AXIOS_CONSUMER, 'axios.cts': AXIOS_CONSUMER });
    await typecheck(withSdk, 'bundler', { 'axios.ts': AXIOS_CONSUMER });
  });
});
