import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'bench/readme-table.mjs');
const run = promisify(execFile);

/** Runs the table script as a user would, in its own process; resolves with its exit code and stderr. */
async function readmeTable(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [SCRIPT, ...args], { cwd: ROOT });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

describe('README Performance table', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'atlas-snapshot-readme-table-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('is the table bench/results.json gives, so the README never shows figures no run measured', async () => {
    const { code, stderr } = await readmeTable('--check');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('quotes every goal the run missed', async () => {
    const results = JSON.parse(await readFile(join(ROOT, 'bench/results.json'), 'utf8')) as { table: Array<{ verdict: string; ratio: string }> };
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const missed = results.table.filter((row) => row.verdict === 'MISSED');
    if (missed.length === 0) expect(readme).toContain('Every goal was met in this run.');
    for (const row of missed) expect(readme).toContain(`${row.ratio}×`);
  });

  it('notices a README whose figures differ from the results, and rewrites it', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const results = JSON.parse(await readFile(join(ROOT, 'bench/results.json'), 'utf8')) as { table: Array<{ ratio: string }> };
    const changed = structuredClone(results);
    const first = changed.table.find((row) => row.ratio !== '');
    expect(first).toBeDefined();
    first!.ratio = '9.999';
    const copy = join(scratch, 'README.md');
    const otherResults = join(scratch, 'results.json');
    await writeFile(copy, readme);
    await writeFile(otherResults, JSON.stringify(changed));

    const stale = await readmeTable('--check', '--readme', copy, '--results', otherResults);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('not the one bench/results.json gives');

    expect((await readmeTable('--readme', copy, '--results', otherResults)).code).toBe(0);
    expect(await readFile(copy, 'utf8')).toMatch(/\| 9\.999 +\|/);
    expect((await readmeTable('--check', '--readme', copy, '--results', otherResults)).code).toBe(0);
  });
});
