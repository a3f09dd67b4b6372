import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createLegacyClient, type LegacyClient } from '../../../adapters/legacy-client.js';
import { createSnapshotShim, ShimError, SnapshotTransferError, ValidationError, type SnapshotDownload, type SnapshotShim } from '../../../src/index.js';

/** Ids and names the hostile-input tests use where a valid one belongs. */
export const VALID = {
  groupId: '5f1a2b3c4d5e6f7a8b9c0d1e',
  snapshotId: '6a1b2c3d4e5f6a7b8c9d0e1f',
  jobId: '7b2c3d4e5f6a7b8c9d0e1f2a',
  clusterName: 'cluster0',
  /** A pre-signed URL whose signature must never show in a message. */
  snapshotUrl: 'https://storage.example.com/snap.tar.gz?X-Amz-Signature=0123456789abcdef',
  signature: '0123456789abcdef',
} as const;

/** What {@link useNoNetwork} sets up: a shim and a legacy client whose every request is counted and refused. */
export interface NoNetwork {
  readonly shim: SnapshotShim;
  readonly legacy: LegacyClient;
  /** Every request dispatched, as `METHOD origin/path`; checked empty (and cleared) after each test. */
  readonly dispatched: string[];
  /** A temporary directory, removed after the file's tests. */
  readonly dir: string;
}

/**
 * Registers hooks that build a shim and a legacy client over an undici MockAgent that
 * refuses the network and has no intercepts, behind a counter of every request; after each
 * test the counter must be empty. That is the proof a refusal came before any I/O.
 */
export function useNoNetwork(): NoNetwork {
  const state = { dispatched: [] as string[] } as { shim: SnapshotShim; legacy: LegacyClient; dispatched: string[]; dir: string };
  let agent: MockAgent;
  beforeAll(async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const dispatcher: Dispatcher = agent.compose((dispatch) => (opts, handler) => {
      state.dispatched.push(`${opts.method} ${String(opts.origin)}${opts.path}`);
      return dispatch(opts, handler);
    });
    const options = { credentials: { publicKey: 'public-key', privateKey: 'private-key-secret' }, dispatcher, now: () => new Date('2025-06-01T00:00:00Z') };
    state.shim = createSnapshotShim(options);
    state.legacy = createLegacyClient(options);
    state.dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-hostile-'));
  });
  afterAll(async () => {
    await Promise.all([state.shim?.close(), state.legacy?.close()]);
    await agent?.close();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  afterEach(() => {
    // The heart of each test: whatever it refused, nothing went out.
    expect(state.dispatched.splice(0)).toEqual([]);
  });
  return state;
}

/** A COMPLETED job as `waitForDownload` returns it, with `overrides` applied. */
export function completedJob(overrides: Record<string, unknown> = {}): SnapshotDownload {
  return {
    route: 'flex',
    id: VALID.jobId,
    projectId: VALID.groupId,
    clusterName: VALID.clusterName,
    snapshotId: VALID.snapshotId,
    status: 'COMPLETED',
    deliveryType: 'DOWNLOAD',
    snapshotUrl: VALID.snapshotUrl,
    expirationDate: undefined,
    restoreScheduledDate: undefined,
    restoreFinishedDate: undefined,
    snapshotFinishedDate: undefined,
    targetProjectId: undefined,
    targetDeploymentItemName: undefined,
    links: [],
    raw: {},
    ...overrides,
  } as SnapshotDownload;
}

/** The error a call rejects (or throws) with; fails when it resolves. */
export async function refusal(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return expect.fail('the call was expected to refuse its input, and resolved');
}

/**
 * A refusal a caller can act on: a ShimError (a ValidationError naming `field`, or, when
 * `field` names the destination, a SnapshotTransferError of phase `destination` whose message
 * says which destination), one line of reasonable length, without the URL signature.
 */
export function expectClearRefusal(error: unknown, field: string | RegExp): void {
  expect(error).toBeInstanceOf(ShimError);
  const typed = error as ShimError;
  if (typed instanceof ValidationError) expect(typed.field).toMatch(field);
  else {
    expect(typed).toBeInstanceOf(SnapshotTransferError);
    expect(typed).toMatchObject({ name: 'SnapshotTransferError', phase: 'destination' });
    // The field of a destination refusal is the destination itself: a caller expecting another
    // field (groupId, download, options...) must not be satisfied by a destination refusal.
    expect((typed as SnapshotTransferError).phase).toMatch(field);
    expect(typed.message).toMatch(/^The destination (path|stream) |^Cannot save the snapshot to "/);
  }
  expect(typed.message.length).toBeLessThan(600);
  expect(typed.message).not.toMatch(/[\u0000\n]/);
  expect(typed.message).not.toContain(VALID.signature);
}

/** A regular expression matching exactly `field`. */
export function exact(field: string): RegExp {
  return new RegExp(`^${field.replace(/[.]/g, '\\.')}$`);
}

/** How a destination in a directory that does not exist is refused, naming the directory as resolved (any `..` gone). */
export function missingDirectory(directory: string): RegExp {
  return new RegExp(`the directory ${JSON.stringify(directory).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`);
}
