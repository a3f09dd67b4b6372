/** What the CLI reads and writes: the process's streams and environment, or a test's. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
}

/** Writes one line. */
export function line(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
