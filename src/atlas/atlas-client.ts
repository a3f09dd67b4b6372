import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import { createDigestAuthInterceptor } from '../auth/digest-auth.js';
import { createServiceAccountInterceptor } from '../auth/service-account-auth.js';
import { AtlasResponseError, TimeoutError, UnconfirmedJobError, type AtlasRequestInfo } from '../errors/atlas-errors.js';
import { collectResponse } from '../http/collect-response.js';
import { firstValue } from '../http/headers.js';
import { redactSecrets } from '../errors/redact-secrets.js';
import type { DownloadAdoptedEvent } from '../observability/shim-events.js';
import { reportRetry, traceAtlasCall, type AtlasCallTrace, type ShimObserver } from '../observability/observer.js';
import {
  chooseAdoptableJob,
  DEFAULT_JOB_LOOKUP_SKEW_MS,
  describeFailure,
  finalAtlasError,
  isRetryable,
  readAnswer,
  serverEffect,
  transportFailure,
  type AtlasAnswer,
  type AttemptFailure,
  type AttemptOutcome,
} from './atlas-answer.js';
import { ATLAS_OPERATIONS, atlasPath, operationFor, type AtlasOperationId, type PathParams, type Route } from './operations.js';
import type { AtlasClock } from './atlas-clock.js';
import { decideRetryTiming, RateLimitGate, serverWaitHint, type RetryPolicy } from './retry.js';

/** A programmatic API key: HTTP Digest, public key as user, private key as password. */
export interface ApiKeyCredentials {
  /** The key's public half: the digest user name. Shown in logs and `toJSON()`. */
  readonly publicKey: string;
  /** The key's private half: the digest password. A secret: never logged, never in an error. */
  readonly privateKey: string;
}

/** A Service Account: OAuth 2.0 client credentials, exchanged for a Bearer token. */
export interface ServiceAccountCredentials {
  /** The service account's client id (`mdb_sa_id_…`). Shown in logs and `toJSON()`. */
  readonly clientId: string;
  /** The service account's client secret (`mdb_sa_sk_…`). A secret: never logged, never in an error. */
  readonly clientSecret: string;
}

/** One call of an operation of the table. */
export interface AtlasCall {
  readonly operationId: AtlasOperationId;
  readonly params: PathParams;
  readonly query?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** The JSON body of a POST. */
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
  /**
   * For a download POST: the snapshot its job serves, so that after an ambiguous failure
   * (the connection broke after sending, a 5xx, a success whose body was unusable) the job
   * the attempt may have created is looked for among the route's restore jobs and adopted,
   * instead of requesting a second one. `excludeJobIds`: jobs never to adopt (the job a URL
   * renewal replaces). Without it, a POST is repeated only after failures that prove
   * nothing was created: a 429, or no connection at all.
   */
  readonly adopt?: { readonly snapshotId: string; readonly excludeJobIds?: readonly string[] | undefined } | undefined;
  /**
   * Sends through the caller's own stack with the caller's headers instead of the client's
   * signed dispatcher (the undici adapter's rewrite of a call that carries its own Bearer
   * token). Retries, the job look-up and the deadline are the same; the look-up goes the
   * same way.
   */
  readonly via?: CallerTransport | undefined;
}

/** A caller's own way to Atlas: its dispatch and its request headers (credentials included). */
export interface CallerTransport {
  readonly dispatch: Dispatcher.Dispatch;
  /** The caller's headers as a flat `[name, value, …]` list, without `accept`, `content-type` or any body framing: the client sets those. */
  readonly headers: readonly string[];
}

/** What the client is made from; every member comes checked from the shim's options. */
export interface AtlasClientOptions {
  /** The Atlas origin, as `URL.origin` writes it. */
  readonly baseUrl: string;
  readonly credentials: ApiKeyCredentials | ServiceAccountCredentials;
  /** A caller's dispatcher to send through; undefined for a keep-alive Agent of the client's own. */
  readonly dispatcher: Dispatcher | undefined;
  readonly userAgent: string;
  readonly timeouts: { readonly connectMs: number; readonly headersMs: number; readonly bodyMs: number; readonly deadlineMs: number };
  readonly retry: RetryPolicy;
  /**
   * Atlas's clock as known: read for the start of a creating call (compared with Atlas's job
   * dates) and `Retry-After` dates of answers without `Date`; told every answer's `Date`.
   */
  readonly clock: AtlasClock;
  /** Where each call and retry is logged at `debug`, and an adopted job is reported (`download-adopted`). */
  readonly observer: Pick<ShimObserver, 'log' | 'emit'>;
}

/** Sends Atlas Admin API calls and turns every answer into JSON or a typed error. */
export interface AtlasClient {
  /**
   * Sends the call, retrying what the retry policy allows: a GET after 429, 500, 502, 503,
   * 504, a broken connection, an unreadable JSON body or a success in another media type; a
   * POST only when nothing can have been created, or once the look-up of `adopt` found
   * nothing. After a 429 every call to the same project waits until the retry's turn.
   *
   * @throws {AtlasApiError} for an HTTP error status (the `ApiError` envelope when Atlas sent one).
   * @throws {AtlasResponseError} for a success status whose body is not JSON, an answer over 16 MiB, or a redirect.
   * @throws {AtlasConnectionError} when the connection failed on the last attempt.
   * @throws {TimeoutError} when a connect, headers or body timeout ran out on the last attempt, or the call's deadline passed.
   * @throws {UnconfirmedJobError} when a download POST failed ambiguously and the look-up for its job failed too.
   * @throws the signal's reason when `signal` aborts.
   */
  call(call: AtlasCall): Promise<AtlasAnswer>;
  /** Closes the connection pool when the client created it; leaves a caller's dispatcher open. Idempotent. */
  close(): Promise<void>;
}

/** Items per page when a list is read whole: the contract's largest `itemsPerPage`. */
export const LIST_PAGE_SIZE = 500;
/** The most pages a list read whole may take (100 000 items): a list longer than that is not one Atlas keeps. */
export const LIST_MAX_PAGES = 200;

/** The pagination query of one page, as every list operation of the contract reads it. */
type PageQuery = { readonly pageNum: number; readonly itemsPerPage: number; readonly includeCount: false };

/**
 * The pages of a list operation, from `pageNum` 1, `pageSize` items each, without the count:
 * each page's `results`, until a page comes back short or `maxPages` were read. `readPage`
 * sends one page's call (retried as any GET). The one home of how a list is paged through.
 *
 * @throws {AtlasResponseError} when a page has no `results` array: nothing may be read into a body that is not a list.
 */
async function* pagesOf(
  readPage: (query: PageQuery) => Promise<AtlasAnswer>,
  request: AtlasRequestInfo,
  pageSize: number,
  maxPages: number,
): AsyncGenerator<readonly unknown[]> {
  for (let pageNum = 1; pageNum <= maxPages; pageNum += 1) {
    const { body, status } = await readPage({ pageNum, itemsPerPage: pageSize, includeCount: false });
    const results = (body as { results?: unknown } | undefined)?.results;
    if (!Array.isArray(results)) throw new AtlasResponseError(`page ${pageNum} of the list has no results array`, status, request);
    yield results as unknown[];
    if (results.length < pageSize) return;
  }
}

/**
 * Reads a list operation whole (`listClusters`, a snapshot list…): {@link LIST_PAGE_SIZE}
 * items a page until a page comes back short. Returns the items in Atlas's order.
 *
 * @throws {AtlasResponseError} when a page has no `results` array, or the list runs past {@link LIST_MAX_PAGES} pages.
 * @throws what {@link AtlasClient.call} throws.
 */
export async function readEveryPage(client: Pick<AtlasClient, 'call'>, call: Pick<AtlasCall, 'operationId' | 'params' | 'signal'>): Promise<unknown[]> {
  const items: unknown[] = [];
  const request = { method: 'GET', path: atlasPath(call.operationId, call.params) };
  for await (const results of pagesOf((query) => client.call({ ...call, query }), request, LIST_PAGE_SIZE, LIST_MAX_PAGES)) {
    items.push(...results);
    if (results.length < LIST_PAGE_SIZE) return items;
  }
  // Every one of the pages full: the list goes on past what is read whole.
  throw new AtlasResponseError(`the list runs past ${LIST_MAX_PAGES} pages of ${LIST_PAGE_SIZE}`, 200, request);
}

/** Restore jobs per page read when looking for the job an ambiguous POST created. */
const LOOKUP_PAGE_SIZE = 100;
// Recent jobs are on the first page whichever way Atlas orders them, unless a cluster has
// hundreds; five pages bound the look-up's cost when it does.
const LOOKUP_MAX_PAGES = 5;

/**
 * Creates the Atlas client: the caller's dispatcher or a keep-alive Agent of its own (one
 * pool per origin), with digest or service-account authentication composed on top for the
 * Atlas origin only. Authentication sits inside every retry of `call`, so each attempt is
 * signed afresh (the next digest nonce count, or a fresh token after a 401); the reverse
 * order would replay a used nonce count, which a strict server refuses.
 *
 * Retries live in `call` rather than in undici's `interceptors.retry` (`RetryHandler`,
 * read in undici 7.30.2), which does not fit Atlas calls: a body broken in the middle is
 * resumed with a `Range` request the Atlas API does not serve; `Retry-After` is capped at
 * `maxTimeout` and an HTTP-date read against the local clock; waits have no jitter, no
 * bound on total time and no test clock; and a POST that may have created a job needs a
 * look-up of the job before any second attempt, which no interceptor can make.
 */
export function createAtlasClient(options: AtlasClientOptions): AtlasClient {
  const { baseUrl: origin, credentials, userAgent, timeouts, retry, clock, observer } = options;
  const base = options.dispatcher ?? new Agent({ connect: { timeout: timeouts.connectMs }, headersTimeout: timeouts.headersMs, bodyTimeout: timeouts.bodyMs });
  const auth =
    'publicKey' in credentials
      ? createDigestAuthInterceptor({ publicKey: credentials.publicKey, privateKey: credentials.privateKey, origin })
      : createServiceAccountInterceptor({ clientId: credentials.clientId, clientSecret: credentials.clientSecret, origin });
  const dispatcher = base.compose(auth);
  const gate = new RateLimitGate(retry.timer, retry.random);
  let closed: Promise<void> | undefined;

  /** One request, its whole answer read, as an outcome; anything but a network failure (an abort, a closed dispatcher, an `AuthError`) rejects. */
  async function attempt(request: AtlasRequestInfo, call: AtlasCall, payload: string | undefined, end: CallEnd): Promise<AttemptOutcome> {
    const { mediaType } = ATLAS_OPERATIONS[call.operationId];
    const { via } = call;
    let headers: Record<string, string> | string[];
    if (via === undefined) {
      headers = { accept: mediaType, 'user-agent': userAgent };
      if (payload !== undefined) headers['content-type'] = mediaType;
    } else {
      headers = [...via.headers, 'accept', mediaType];
      if (payload !== undefined) headers.push('content-type', mediaType);
    }
    try {
      const answer = await collectResponse(
        via?.dispatch ?? ((opts, handler) => dispatcher.dispatch(opts, handler)),
        { origin, path: request.path, method: request.method, headers, body: payload, query: call.query, headersTimeout: timeouts.headersMs, bodyTimeout: timeouts.bodyMs },
        {
          // The call's end (its deadline, the caller's abort) reaches the request in flight, which undici then releases.
          onStart: (controller) => end.watch(controller),
          onSettle: () => end.watch(undefined),
          tooLarge: (status, limit) => new AtlasResponseError(`the answer exceeds ${limit} bytes`, status, request),
        },
      );
      clock.observe(firstValue(answer.headers.date));
      return readAnswer(answer, origin, request);
    } catch (error) {
      const failure = transportFailure(error);
      if (failure === undefined) throw error;
      return { ok: false, failure, error };
    }
  }

  /**
   * Looks for the download job an ambiguous POST started at `since` may have created,
   * through the route's list of restore jobs, page by page: its raw body and id, or
   * undefined. Each page is a call of its own, retried as any GET.
   *
   * @throws {UnconfirmedJobError} when the list cannot be read: then nobody may assume there is no job.
   */
  async function findCreatedJob(
    call: AtlasCall,
    request: AtlasRequestInfo,
    since: Date,
    signal: AbortSignal,
    failure: AttemptFailure,
  ): Promise<{ readonly body: unknown; readonly id: string } | undefined> {
    const route = ATLAS_OPERATIONS[call.operationId].family as Route;
    const list = operationFor(route, 'listJobs');
    const criteria = {
      route,
      snapshotId: call.adopt?.snapshotId ?? '',
      since,
      skewMs: DEFAULT_JOB_LOOKUP_SKEW_MS,
      exclude: new Set(call.adopt?.excludeJobIds ?? []),
    };
    const listRequest = { method: 'GET', path: atlasPath(list, call.params) };
    const readPage = (query: PageQuery) => send({ operationId: list, params: call.params, query, signal, via: call.via });
    try {
      // A page that is not a list fails the look-up (reading "no job" into it could lead to a second POST).
      for await (const results of pagesOf(readPage, listRequest, LOOKUP_PAGE_SIZE, LOOKUP_MAX_PAGES)) {
        const found = chooseAdoptableJob(results, criteria);
        if (found !== undefined) return found;
      }
      return undefined;
    } catch (error) {
      if (signal.aborted) throw error;
      throw new UnconfirmedJobError(request, describeFailure(failure), { cause: error });
    }
  }

  /**
   * One call, top to bottom: wait while a 429 holds the project back; attempt; classify the
   * failure (worth repeating? may it have created a job?); wait as the retry policy and the
   * server say; look up the job an ambiguous POST may have created, as late as possible so
   * a job still being created has had the wait to show up; and again, until an answer, a
   * failure not worth repeating, or the policy's bounds. The whole is bounded by the call's
   * deadline.
   */
  async function run(call: AtlasCall, request: AtlasRequestInfo, trace: AtlasCallTrace | undefined): Promise<AtlasAnswer> {
    const { method } = request;
    const project = call.params.groupId;
    // Serialized once: every attempt sends the same bytes.
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    // On Atlas's clock, as the dates of the jobs a look-up compares with it.
    const since = call.adopt === undefined ? undefined : clock.now();
    const budgetStart = retry.timer.now();
    let last: AttemptFailure | undefined;
    const end = new CallEnd(timeouts.deadlineMs, call.signal, (waitedMs) =>
      new TimeoutError(`Atlas call ${method} ${request.path} (retries included)`, waitedMs, last === undefined ? undefined : describeFailure(last)),
    );
    try {
      let rateLimitedRetries = 0;
      for (let retriesDone = 0; ; retriesDone += 1) {
        end.throwIfEnded();
        const held = gate.wait(project, end);
        if (held !== undefined) await held;
        const outcome = await attempt(request, call, payload, end);
        if (outcome.ok) return outcome.answer;
        const { failure, error } = outcome;
        last = failure;

        const effect = method === 'POST' ? serverEffect(failure) : 'none';
        const ambiguous = effect !== 'none';
        // A POST that may have created a job is repeated only once a look-up shows it did not.
        if (ambiguous && since === undefined) throw finalAtlasError(failure, error, request, retriesDone + 1, timeouts);
        const rateLimited = failure.kind === 'status' && failure.status === 429;
        // A success whose body was unusable did create the job: it is looked up, never sent again.
        const timing =
          isRetryable(failure) && effect !== 'done'
            ? decideRetryTiming({
                retriesDone,
                rateLimitedRetries,
                rateLimited,
                elapsedMs: retry.timer.now() - budgetStart,
                // The deadline also bounds when a retry may start: waiting past it would only be cut short.
                bounds: { ...retry, maxElapsedMs: Math.min(retry.maxElapsedMs, timeouts.deadlineMs) },
                random: retry.random(),
                hint: failure.kind === 'status' ? serverWaitHint(failure.headers, clock.now().getTime()) : undefined,
              })
            : undefined;
        if (timing?.retry) {
          const errorCode = failure.kind === 'connect' || failure.kind === 'connection' ? failure.code : (error as { errorCode?: string }).errorCode;
          const status = failure.kind === 'status' ? failure.status : undefined;
          reportRetry(trace, { attempt: retriesDone + 1, delayMs: timing.delayMs, status, errorCode }, { operationId: call.operationId, ...request });
          if (rateLimited) {
            rateLimitedRetries += 1;
            // The project's limit is spent for every call to it, not only this one.
            gate.hold(project, timing.delayMs);
          }
          await retry.timer.sleep(timing.delayMs, end.signal);
        }
        if (ambiguous && since !== undefined) {
          const found = await findCreatedJob(call, request, since, end.signal, failure);
          if (found !== undefined) {
            observer.emit(adoptedEvent(call, found.id, failure));
            return { status: 200, body: found.body };
          }
        }
        if (!timing?.retry) throw finalAtlasError(failure, error, request, retriesDone + 1, timeouts);
      }
    } catch (error) {
      // Once the call has ended, its reason says more than whatever undici or the timer made of it.
      throw end.ended ? end.reason : error;
    } finally {
      end.dispose();
    }
  }

  function send(call: AtlasCall): Promise<AtlasAnswer> {
    const request = { method: ATLAS_OPERATIONS[call.operationId].method, path: atlasPath(call.operationId, call.params) };
    return traceAtlasCall(observer.log, { operationId: call.operationId, ...request }, (trace) => run(call, request, trace));
  }

  return {
    call: send,
    close() {
      if (options.dispatcher !== undefined) return Promise.resolve();
      closed ??= base.close();
      return closed;
    },
  };
}

// The failure is the only part of the report Atlas (or a proxy) wrote, in a content type: masked and kept short.
const MAX_FAILURE_LENGTH = 120;

/** The `download-adopted` event of a job found after the download POST failed as `failure`. */
function adoptedEvent(call: AtlasCall, jobId: string, failure: AttemptFailure): DownloadAdoptedEvent {
  const text = redactSecrets(describeFailure(failure));
  return {
    type: 'download-adopted',
    groupId: call.params.groupId,
    clusterName: call.params.clusterName,
    snapshotId: call.adopt?.snapshotId ?? '',
    route: ATLAS_OPERATIONS[call.operationId].family as Route,
    jobId,
    failure: text.length > MAX_FAILURE_LENGTH ? `${text.slice(0, MAX_FAILURE_LENGTH)}…` : text,
    status: failure.kind === 'connect' || failure.kind === 'connection' ? undefined : failure.status,
  };
}

/**
 * The end of one call: its deadline passing or the caller's signal aborting, whichever
 * comes first. The request in flight is aborted at once; waits and look-ups get an
 * `AbortSignal` from it, made only when they run.
 *
 * A plain timer rather than `AbortSignal.timeout` (and `AbortSignal.any`) per call: in
 * Node 20 a fresh signal with an abort listener costs tens of microseconds of a warm call,
 * and with them the facade missed its bench goals (p50 1.22× raw undici, where this
 * measures 1.05×: `npm run bench -- --only facade`). Real time, not the retry timer: the
 * guard of last resort, which a test clock must neither hasten nor hold back.
 */
class CallEnd {
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;
  #ended = false;
  #reason: unknown;
  #request: Dispatcher.DispatchController | undefined;
  #controller: AbortController | undefined;

  /** @param timedOut the error of a deadline that passed, given how long the call ran. */
  constructor(deadlineMs: number, caller: AbortSignal | undefined, timedOut: (waitedMs: number) => Error) {
    this.#timer = setTimeout(() => this.#end(timedOut(Math.round(performance.now() - this.#started))), deadlineMs);
    // A pending deadline must not keep a process alive that has nothing else to do.
    this.#timer.unref();
    if (caller === undefined) return;
    this.#caller = caller;
    this.#onCallerAbort = () => this.#end(caller.reason);
    if (caller.aborted) this.#end(caller.reason);
    else caller.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /** Whether the call has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The caller's reason, or the deadline's `TimeoutError`. */
  get reason(): unknown {
    return this.#reason;
  }

  /** Aborted when the call ends, with its reason. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#ended) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** The request in flight (undefined once it settled): aborted at once if the call has ended. */
  watch(request: Dispatcher.DispatchController | undefined): void {
    this.#request = request;
    if (this.#ended) request?.abort(this.#reason as Error);
  }

  throwIfEnded(): void {
    if (this.#ended) throw this.#reason;
  }

  /** Stops the timer and the listening; call it once the call settled. */
  dispose(): void {
    clearTimeout(this.#timer);
    if (this.#onCallerAbort !== undefined) this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  #end(reason: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#reason = reason;
    this.#request?.abort(reason as Error);
    this.#controller?.abort(reason);
  }
}
