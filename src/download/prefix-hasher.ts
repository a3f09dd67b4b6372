import { Worker } from 'node:worker_threads';

/**
 * The SHA-256 of a file being written out of order: the file's contiguous prefix is hashed
 * as it grows, on a worker thread that reads the bytes back from the file (from the page
 * cache, where they were just written). SHA-256 can only run in order and takes about a
 * second per GiB of one core; on the event loop it competed with receiving and writing,
 * on its own thread it overlaps them.
 */

// The worker's whole program. Plain CommonJS run with `eval`, so it needs no file of its own
// beside each bundle (ESM, CJS, the sources under test): it reads the file in order up to
// the offset it is told, hashing as it goes, and answers `finish` with the digest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const fd = openSync(workerData.path, 'r');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(workerData.readBytes);
let hashed = 0;
function hashUpTo(end) {
  while (hashed < end) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - hashed), hashed);
    if (read === 0) throw new Error('the file ended at byte ' + hashed + ', before byte ' + end);
    hash.update(buffer.subarray(0, read));
    hashed += read;
  }
}
parentPort.on('message', (message) => {
  hashUpTo(message.upTo);
  if (message.finish) {
    closeSync(fd);
    parentPort.postMessage(hash.digest('hex'));
  }
});
`;

// Bytes the worker reads at once: large enough for few system calls, small enough to stay cheap.
const READ_BYTES = 1024 * 1024;
// Growth of the prefix worth a message: a message per write (1 MiB) cost the event loop more
// than the worker saved it; at this step the last one leaves the digest at most this to catch up.
const ANNOUNCE_BYTES = 8 * 1024 * 1024;

/**
 * Hashes `path` from byte 0 as far as {@link PrefixHasher.advanceTo} says it is written.
 * Only bytes already written (their write settled) may be announced; the digest is of the
 * file's bytes as they are on disk, in order.
 */
export class PrefixHasher {
  readonly #worker: Worker;
  readonly #failed: Promise<never>;
  #announced = 0;

  /** Starts the worker on `path`, a file that exists. */
  constructor(path: string) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, readBytes: READ_BYTES } });
    this.#failed = new Promise<never>((_, reject) => {
      this.#worker.once('error', reject);
      this.#worker.once('exit', (code) => reject(new Error(`the hashing thread exited with code ${code}`)));
    });
    // Observed here so a failure no one waits for yet is not an unhandled rejection.
    this.#failed.catch(() => undefined);
  }

  /**
   * The bytes `[0, offset)` are written: hash them. Passed on to the worker once the prefix
   * has grown by a few MiB since it was last told; {@link PrefixHasher.digest} takes the rest.
   */
  advanceTo(offset: number): void {
    if (offset - this.#announced < ANNOUNCE_BYTES) return;
    this.#announced = offset;
    this.#worker.postMessage({ upTo: offset });
  }

  /** Hashes up to `size`, the file's whole length, and gives the SHA-256 in hex; the worker then ends. */
  async digest(size: number): Promise<string> {
    const digest = new Promise<string>((resolve) => this.#worker.once('message', resolve));
    this.#worker.postMessage({ upTo: size, finish: true });
    try {
      return await Promise.race([digest, this.#failed]);
    } finally {
      await this.close();
    }
  }

  /** Stops the worker (the digest is then lost). Safe to call more than once. */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
