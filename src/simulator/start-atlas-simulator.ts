import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { atlasOperationOf, OAUTH_TOKEN_PATH } from '../atlas/operations.js';
import { resourceNotFound, SimulatorApiError } from './api-error.js';
import { SIMULATOR_ERROR_CODES } from './error-codes.js';
import { Exchange } from './exchange.js';
import type { FaultedRequest } from './faults/fault-plan.js';
import { serveWithFault } from './faults/serve-with-fault.js';
import { resolveSimulatorOptions } from './options.js';
import { serveTokenRequest } from './oauth.js';
import { serveAtlasOperation } from './router.js';
import { SNAPSHOT_FILES_PREFIX, serveSnapshotFile } from './snapshot-files.js';
import { createSimulatorState, type SimulatorState } from './state.js';
import type { AtlasSimulator, AtlasSimulatorOptions } from './types.js';
import { toError } from '../errors/shim-error.js';

type Target = FaultedRequest['target'];

/** Which part of the simulator serves a path: the token endpoint, the snapshot host, the Atlas API, or none. */
function targetOf(path: string): Target {
  if (path === OAUTH_TOKEN_PATH) return 'oauth';
  if (path.startsWith(SNAPSHOT_FILES_PREFIX)) return 'snapshot-file';
  return path.startsWith('/api/atlas/') ? 'atlas' : 'other';
}

// What serves each target; a path none of them serves gets Atlas's 404.
const SERVERS: Readonly<Record<Target, (state: SimulatorState, exchange: Exchange) => Promise<void>>> = {
  oauth: serveTokenRequest,
  'snapshot-file': serveSnapshotFile,
  atlas: serveAtlasOperation,
  other: (_state, exchange) => Promise.reject(resourceNotFound(exchange.path)),
};

/**
 * The server's request handler: the fault plan sees the request first (a fault may answer in
 * its place or change its answer), then the target's server answers it.
 */
function handle(state: SimulatorState, req: IncomingMessage, res: ServerResponse): void {
  const exchange = new Exchange(
    req,
    res,
    (entry) => state.requests.push(entry),
    () => state.clock.dateForHeaders(),
  );
  const { method, path } = exchange;
  const target = targetOf(path);
  const request: FaultedRequest = {
    method,
    path,
    // Only the Atlas API has operations; snapshot files and the token endpoint are not in the table.
    operationId: target === 'atlas' ? atlasOperationOf(method, path) : undefined,
    target,
    digestSigned: exchange.auth === 'digest',
  };
  const fault = state.faults.take(request);
  const serve = (): Promise<void> => SERVERS[target](state, exchange);
  (fault === undefined ? serve() : serveWithFault(state, exchange, request, fault, serve)).catch((error: unknown) => {
    // Once the head is out, the only honest signal of a failure is a cut connection.
    if (exchange.answered) {
      res.destroy();
      return;
    }
    const message = toError(error).message;
    const apiError =
      error instanceof SimulatorApiError ? error : new SimulatorApiError(500, SIMULATOR_ERROR_CODES.unexpectedError, `Unexpected error: ${message}`);
    exchange.sendApiError(apiError);
  });
}

function requireSnapshot(state: SimulatorState, snapshotId: string, caller: string): string {
  if (!state.project.snapshots.has(snapshotId)) {
    throw new TypeError(`${caller}: unknown snapshot id ${JSON.stringify(snapshotId)}`);
  }
  return snapshotId;
}

/**
 * Starts a local Atlas simulator: a real HTTP server on 127.0.0.1 that speaks the 14 contract
 * operations (the 12 of `snapshot-download.yaml` and the two cluster lists of
 * `cluster-lists.yaml`; the five tenant ones under their v1.0 paths too) with digest or
 * service-account auth, versioned media types, `envelope=true`, the sunset switch, restore
 * jobs that progress in real time, downloadable snapshot files, and on request Atlas's token
 * bucket; and the OAuth token endpoint. Every answer is dated (`Date`) on the simulated Atlas
 * clock. It never writes to stdout or stderr.
 *
 * @throws TypeError when an option is invalid (the message names it).
 */
export async function startAtlasSimulator(options?: AtlasSimulatorOptions): Promise<AtlasSimulator> {
  const resolved = resolveSimulatorOptions(options);
  const state = createSimulatorState(resolved);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => handle(state, req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Malformed HTTP from a client: answer 400 and drop it, without Node's default logging path.
  server.on('clientError', (_error, socket) => {
    const date = state.clock.dateForHeaders().toUTCString();
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nDate: ${date}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('startAtlasSimulator: the server has no TCP address');
  state.baseUrl = `http://127.0.0.1:${address.port}`;

  let stopping: Promise<void> | undefined;
  const { project, credentials } = state;
  return {
    url: state.baseUrl,
    apiKey: credentials.apiKey,
    serviceAccount: credentials.serviceAccount,
    groupId: project.groupId,
    clusters: project.names,
    snapshotIds(clusterName) {
      const cluster = project.clusters.get(clusterName);
      if (cluster === undefined) throw new TypeError(`snapshotIds: unknown cluster ${JSON.stringify(clusterName)}`);
      return cluster.snapshots.map((snapshot) => snapshot.id);
    },
    snapshotSha256: (snapshotId) => state.content.sha256(requireSnapshot(state, snapshotId, 'snapshotSha256')),
    snapshotSize(snapshotId) {
      requireSnapshot(state, snapshotId, 'snapshotSize');
      return state.content.size();
    },
    setNow: (date) => state.clock.set(date),
    get requests() {
      return [...state.requests];
    },
    clearRequests() {
      state.requests.length = 0;
    },
    failJobsFor: (snapshotId) => state.jobs.failFor(requireSnapshot(state, snapshotId, 'failJobsFor')),
    jobsFor(snapshotId) {
      return state.jobs.forSnapshot(requireSnapshot(state, snapshotId, 'jobsFor')).map((job) => ({
        id: job.id,
        clusterName: job.clusterName,
        snapshotId: job.snapshotId,
        status: state.jobs.progress(job).status,
      }));
    },
    faults: {
      inject: (fault) => state.faults.inject(fault),
      clear: () => state.faults.clear(),
      random: (options) => state.faults.random(options),
      get pending() {
        return state.faults.pending;
      },
    },
    revokeTokens: () => state.tokens.revokeAll(),
    rateLimit(groupId) {
      if (typeof groupId !== 'string') throw new TypeError(`rateLimit: expected a project id string, got ${String(groupId)}`);
      return state.tokenBuckets?.peek(groupId);
    },
    cutSnapshotTransfers(afterBytes, times = 1) {
      if (!Number.isInteger(afterBytes) || afterBytes < 0 || !Number.isInteger(times) || times < 0) {
        throw new TypeError('cutSnapshotTransfers: afterBytes and times must be integers, 0 or more');
      }
      state.snapshotCuts.afterBytes = afterBytes;
      state.snapshotCuts.remaining = times;
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}
