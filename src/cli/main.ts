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

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  },
  (error: unknown) => {
    process.stderr.write(`atlas-snapshot: unexpected failure: ${toError(error).message}\n`);
    process.exitCode = 1;
  },
);
