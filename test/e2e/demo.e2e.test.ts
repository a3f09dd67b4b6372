import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

// `npm run demo` is `npm run build && node scripts/demo.mjs`; `npm test` has just built, so
// this runs the script itself (a second build here would pull dist/ from under other tests).
describe('npm run demo (the README main job)', () => {
  it('downloads one snapshot per cluster kind through the CLI, verifies each SHA-256 and exits 0', async () => {
    const child = spawn(process.execPath, ['scripts/demo.mjs'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, output).toBe(0);
    expect(output).toMatch(/All snapshots saved under snapshots\/ and verified; simulator stopped\./);
    expect(output.match(/✓ SHA-256 matches what the simulator served/g), output).toHaveLength(4);
    expect(output).toMatch(/refused as expected \(exit code 4\)/);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);
});
