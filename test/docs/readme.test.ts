import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAtlasSimulator } from '../../src/simulator/index.js';
import { isRunnable, readmeBlocks, type ReadmeBlock } from './readme-blocks.js';
import { closeTracked, setReadmeContext } from './readme-modules/context.js';

type Simulator = Awaited<ReturnType<typeof startAtlasSimulator>>;

const ROOT = resolve(import.meta.dirname, '../..');
const MODULES = join(import.meta.dirname, 'readme-modules');
const SCRATCH = join(import.meta.dirname, '.blocks');
const README = await readFile(join(ROOT, 'README.md'), 'utf8');
const BLOCKS = readmeBlocks(README);

// What the snippets' import specifiers stand for here.
const SUBPATHS: Record<string, string> = {
  'atlas-snapshot-shim': 'root.ts',
  'atlas-snapshot-shim/adapters/legacy-client': 'legacy-client.ts',
  'atlas-snapshot-shim/adapters/undici': 'undici.ts',
  'atlas-snapshot-shim/adapters/env': 'env.ts',
  'atlas-snapshot-shim/adapters/openfeature': 'openfeature.ts',
  'atlas-snapshot-shim/adapters/axios': 'axios.ts',
  'atlas-snapshot-shim/adapters/fetch': 'fetch.ts',
  'atlas-snapshot-shim/simulator': 'simulator.ts',
};

/**
 * A runnable module for one snippet: its imports (mapped), then the names the README says
 * are the reader's own (credentials, ids, `shim` from the quick start, and `atlasOrigin`,
 * `https://cloud.mongodb.com` for the reader, the simulator here), then the
 * snippet in a block of its own, so what it declares shadows them.
 */
function moduleOf(block: ReadmeBlock): string {
  const imports: string[] = [];
  const body: string[] = [];
  let inImport = false;
  for (const line of block.code.split('\n')) {
    if (inImport || /^import\s/.test(line)) {
      imports.push(line);
      inImport = !/(from\s+['"][^'"]+['"]|^import\s+['"][^'"]+['"]);?\s*$/.test(line);
    } else {
      body.push(line);
    }
  }
  const mapped = imports.join('\n').replace(/(['"])(atlas-snapshot-shim[^'"]*)\1/g, (_match, _quote, specifier: string) => {
    const file = SUBPATHS[specifier];
    if (file === undefined) throw new Error(`README line ${block.line} imports ${specifier}, which the package does not export`);
    return JSON.stringify(join(MODULES, file));
  });
  return [
    mapped,
    `import { readmeContext as __context } from ${JSON.stringify(join(MODULES, 'context.ts'))};`,
    `import { createSnapshotShim as __createSnapshotShim } from ${JSON.stringify(join(MODULES, 'root.ts'))};`,
    'const { url: __url, groupId, clusterName, snapshotId, apiKey: credentials, serviceAccount: { clientId, clientSecret } } = __context();',
    'const { publicKey, privateKey } = credentials;',
    'const shim = __createSnapshotShim({ credentials });',
    // The Atlas origin a snippet that calls Atlas itself writes its URLs on: here, the simulator's.
    'const atlasOrigin = __url;',
    'void [__url, groupId, clusterName, snapshotId, clientId, clientSecret, publicKey, privateKey, shim, atlasOrigin];',
    '{',
    ...body,
    '}',
    'export {};',
  ].join('\n');
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startAtlasSimulator({ jobDurationMs: 200, snapshotSizeBytes: 65_536 });
  const clusterName = sim.clusters.shared;
  setReadmeContext({
    url: sim.url,
    apiKey: sim.apiKey,
    serviceAccount: sim.serviceAccount,
    groupId: sim.groupId,
    clusterName,
    snapshotId: sim.snapshotIds(clusterName)[0] as string,
  });
  await mkdir(SCRATCH, { recursive: true });
  // The README saves under ./snapshots/, as the demo does.
  await mkdir(join(ROOT, 'snapshots'), { recursive: true });
});
afterAll(async () => {
  await sim?.stop();
  await rm(SCRATCH, { recursive: true, force: true });
});

describe('README.md code blocks', () => {
  it('has blocks, and every one is either run here or names the tests that run it', () => {
    expect(BLOCKS.length).toBeGreaterThan(5);
    const orphans = BLOCKS.filter((block) => !isRunnable(block) && block.coveredBy === undefined).map((b) => `line ${b.line} (${b.lang || 'no language'})`);
    expect(orphans, 'blocks with no test: add a readme-test directive, or make them ts/js').toEqual([]);
  });

  it('a snippet that fails, or imports what the package does not export, fails its test (so the ones below can)', async () => {
    const failing: ReadmeBlock = { lang: 'ts', line: 0, heading: 'negative control', coveredBy: undefined, code: "import { createSnapshotShim } from 'atlas-snapshot-shim';\nawait createSnapshotShim({ credentials }).explainRoute({ groupId, clusterName: 'no-such-cluster' });" };
    const file = join(SCRATCH, 'block-negative.ts');
    await writeFile(file, moduleOf(failing));
    await expect(import(pathToFileURL(file).href)).rejects.toThrow(/404|not found/i);
    await closeTracked();
    expect(() => moduleOf({ ...failing, code: "import { x } from 'atlas-snapshot-shim/internal';" })).toThrow(/does not export/);
  });

  const covered = BLOCKS.filter((block) => block.coveredBy !== undefined);
  it.each(covered.map((block) => [`line ${block.line} (${block.heading})`, block] as const))('the tests named for %s exist', (_title, block) => {
    for (const path of block.coveredBy ?? []) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });

  const runnable = BLOCKS.filter(isRunnable);
  describe('each ts/js block runs against the simulator', () => {
    let dispatcher: ReturnType<typeof getGlobalDispatcher>;
    afterEach(async () => {
      setGlobalDispatcher(dispatcher);
      await closeTracked();
    });
    it.each(runnable.map((block) => [`line ${block.line} (${block.heading})`, block] as const))('%s', async (_title, block) => {
      dispatcher = getGlobalDispatcher();
      const file = join(SCRATCH, `block-${block.line}.ts`);
      await writeFile(file, moduleOf(block));
      await import(pathToFileURL(file).href);
    }, 60_000);
  });
});
