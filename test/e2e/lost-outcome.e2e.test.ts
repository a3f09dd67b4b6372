import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/cli-errors.js';
import { requireBuiltCli, runCli } from '../security/helpers/run-cli.js';

// Node ends a process whose event loop is empty with exit code 0, even when the command's
// own promise never settled (a request an HTTP client lost track of). The CLI must never
// report that as success.

const STALL = resolve(import.meta.dirname, 'stalled-connect.mjs');

describe('a command whose work is lost', () => {
  it('exits with the unexpected-failure code and says so, instead of 0 with no output', async () => {
    requireBuiltCli();
    const file = resolve(import.meta.dirname, '.never-written.tar.gz');
    const args = ['download', '--project', '5f1a2b3c4d5e6f7a8b9c0d1e', '--cluster', 'c', '--snapshot', '6a1b2c3d4e5f6a7b8c9d0e1f', '--out', file];
    const env = {
      MONGODB_ATLAS_PUBLIC_API_KEY: 'abcdefgh',
      MONGODB_ATLAS_PRIVATE_API_KEY: '12345678-1234-1234-1234-123456789012',
      // Never reached: the preload stalls every connection before it is made.
      MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1:9',
    };
    const result = await runCli(args, env, { preload: STALL });
    expect(result.code, result.stderr).toBe(EXIT_CODES.unexpected);
    expect(result.stderr).toMatch(/ended without an outcome/);
    expect(result.stdout).toBe('');
    expect(existsSync(file)).toBe(false);
  });
});
