import { createCipheriv, createHash } from 'node:crypto';

/** Bytes per generated chunk: large enough to stream fast, small enough to never hold a file in memory. */
export const SNAPSHOT_CHUNK_BYTES = 64 * 1024;
const ZEROS = Buffer.alloc(SNAPSHOT_CHUNK_BYTES);
const AES_BLOCK = 16;

/**
 * Deterministic pseudo-random snapshot files. The bytes are the AES-256-CTR keystream under a key
 * derived from the snapshot id: any offset can be produced without generating what comes before
 * it (Range requests), and the same id always yields the same bytes (checksums in tests).
 */
export class SnapshotContent {
  readonly #sizeBytes: number;
  readonly #sha256 = new Map<string, string>();

  constructor(sizeBytes: number) {
    this.#sizeBytes = sizeBytes;
  }

  /** Size of every snapshot file. */
  size(): number {
    return this.#sizeBytes;
  }

  /** Bytes `[start, end)` of the snapshot's file, in chunks of at most {@link SNAPSHOT_CHUNK_BYTES}. */
  *chunks(snapshotId: string, start = 0, end = this.#sizeBytes): Generator<Buffer> {
    const firstBlock = Math.floor(start / AES_BLOCK);
    const counter = Buffer.alloc(AES_BLOCK);
    // OpenSSL's CTR mode increments the whole 128-bit IV, so IV = block index seeks the stream.
    counter.writeBigUInt64BE(BigInt(firstBlock), 8);
    const cipher = createCipheriv('aes-256-ctr', keyFor(snapshotId), counter);
    let position = firstBlock * AES_BLOCK;
    while (position < end) {
      const length = Math.min(SNAPSHOT_CHUNK_BYTES, end - position);
      const chunk = cipher.update(ZEROS.subarray(0, length));
      yield position < start ? chunk.subarray(start - position) : chunk;
      position += length;
    }
  }

  /** SHA-256 (hex) of the whole file; computed chunk by chunk once, then cached. */
  sha256(snapshotId: string): string {
    let digest = this.#sha256.get(snapshotId);
    if (digest === undefined) {
      const hash = createHash('sha256');
      for (const chunk of this.chunks(snapshotId)) hash.update(chunk);
      digest = hash.digest('hex');
      this.#sha256.set(snapshotId, digest);
    }
    return digest;
  }

  /**
   * Strong ETag. The content is a pure function of (id, size, this generator), so hashing those
   * identifies it exactly without reading a possibly huge file on every request.
   */
  etag(snapshotId: string): string {
    const tag = createHash('sha256').update(`aes-256-ctr-v1:${snapshotId}:${this.#sizeBytes}`).digest('hex').slice(0, 32);
    return `"${tag}"`;
  }
}

function keyFor(snapshotId: string): Buffer {
  return createHash('sha256').update(`atlas-snapshot-shim:snapshot-content:${snapshotId}`).digest();
}
