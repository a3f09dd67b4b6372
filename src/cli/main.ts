#!/usr/bin/env node
import { runCli } from './run-cli.js';
import { toError } from '../errors/shim-error.js';

// The bin: wires the process to runCli. Ctrl-C aborts the work in flight (the partial
// file stays for a resume); a second Ctrl-C exits at once.
const controller = new AbortController();
const interrupt = (): void => {
  if (controller.signal.aborted) process.exit(130);
  const reason = new Error('interrupted');
  reason.name = 'CliInterrupt';
  controller.abort(reason);
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

// Node exits 0 once nothing is left to run, even with the command's promise unsettled (work
// an HTTP client lost track of): that must never read as success.
let settled = false;
process.once('beforeExit', () => {
  if (settled) return;
  process.stderr.write('atlas-snapshot: unexpected failure: the command ended without an outcome (nothing was left to wait for)\n');
  process.exitCode = 1;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  },
  (error: unknown) => {
    settled = true;
    process.stderr.write(`atlas-snapshot: unexpected failure: ${toError(error).message}\n`);
    process.exitCode = 1;
  },
);
