import { performance } from 'node:perf_hooks';
import type { AtlasAnswer, AtlasCall, AtlasClient } from '../atlas/atlas-client.js';
import { atlasOperationOf } from './atlas-operation.js';
import type { AtlasRequestMessage } from './channel-messages.js';
import { requestChannel } from './channels.js';
import { runInRequestScope } from './request-scope.js';
import { failureCodeOf, failureStatusOf, pathOnly } from './request-facts.js';
import type { ShimLog } from './shim-logger.js';

const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * Wraps an Atlas client so each call is traced on `atlas-snapshot-shim:request` (when it
 * has subscribers) and logged at `debug` (when there is a logger): method, path (no
 * query), operation, status, duration, attempt. With neither, a call goes straight to the
 * client: nothing is timed or built.
 */
export function traceAtlasClient(client: AtlasClient, log: ShimLog | undefined): AtlasClient {
  return {
    call(call: AtlasCall): Promise<AtlasAnswer> {
      const traced = requestChannel.hasSubscribers;
      if (!traced && log === undefined) return client.call(call);
      const path = pathOnly(call.path);
      const message: AtlasRequestMessage = {
        method: call.method,
        path,
        operation: atlasOperationOf(path),
        attempt: 1,
        status: undefined,
        durationMs: undefined,
        errorCode: undefined,
      };
      const started = performance.now();
      let answer: AtlasAnswer | undefined;
      // Resolves to nothing: the tracing channel puts what this resolves to in `result`, and an answer may hold a snapshotUrl.
      const run = async (): Promise<void> => {
        try {
          answer = await client.call(call);
          message.status = answer.status;
        } catch (error) {
          message.status = failureStatusOf(error);
          message.errorCode = failureCodeOf(error);
          throw error;
        } finally {
          message.durationMs = roundMs(performance.now() - started);
          const { method, operation, status, durationMs, attempt, errorCode } = message;
          log?.debug({ method, path, operation, status, durationMs, attempt, ...(errorCode ? { errorCode } : {}) }, answer ? 'Atlas request answered' : 'Atlas request failed');
        }
      };
      const settled = runInRequestScope({ message, log }, () => (traced ? requestChannel.tracePromise(run, message) : run()));
      return settled.then(() => answer as AtlasAnswer);
    },
  };
}
