import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';

/** The built CLI these tests run, as users do: `npm test` builds it first. */
export const CLI = resolve(import.meta.dirname, '../../../dist/cli.js');

/** Preloaded into each run: reports every socket and DNS look-up, refuses any host but 127.0.0.1. */
const SOCKET_GUARD = resolve(import.meta.dirname, 'socket-guard.mjs');

/** How a CLI run ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every socket connection (`connect host:port`) and DNS look-up (`lookup host`) the process attempted, in order. */
  readonly sockets: readonly string[];
}

/** Fails with the reason when the built CLI is missing, instead of every run failing obscurely. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: the CLI tests run the built package; run "npm run build" (npm test does).`);
}

/**
 * Runs the CLI in a child process with only PATH and `env` in its environment, in `cwd`
 * (the test process's working directory by default), under the socket guard, after
 * `preload` (a module path, e.g. one that changes how sockets behave) when given.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, options: { readonly cwd?: string; readonly preload?: string } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const preload = options.preload === undefined ? [] : ['--import', options.preload];
    const child = spawn(process.execPath, [...preload, '--import', SOCKET_GUARD, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sockets = '';
    (child.stdout as Readable).on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    (child.stderr as Readable).on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    (child.stdio[3] as Readable).on('data', (chunk: Buffer) => (sockets += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, sockets: sockets.split('\n').filter((line) => line !== '') }));
  });
}
