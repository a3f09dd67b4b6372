// Which job requests each download call made, and what the simulator created meanwhile: the
// soak's count of duplicate jobs, renewals and orphans.
//
// `shim.download` requests its job through the shim's own `downloadSnapshot` method (called
// on the shim object), and an expired-URL renewal asks for a fresh job through the same
// method (with the job it replaces as a second argument). Wrapping that one
// method, inside an AsyncLocalStorage scope per call, counts every job request a call makes
// and which job each one answered with. Retries and adoption events are read in the same
// scope (diagnostics channels and `onEvent` are called synchronously in the caller's context).
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics_channel from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS } from '../dist/index.js';

const calls = new AsyncLocalStorage();
let subscribed = false;

/** A fresh record of one call's job requests, retries, adoptions and fallbacks. */
function newCall() {
  return { requests: [], retries: 0, adoptions: 0, fallbacks: 0 };
}

/** Runs `work` as one download call and returns its record along with the outcome. */
export async function recordCall(work) {
  if (!subscribed) {
    subscribed = true;
    diagnostics_channel.subscribe(DIAGNOSTICS_CHANNELS.retry, () => {
      const call = calls.getStore();
      if (call) call.retries += 1;
    });
  }
  const call = newCall();
  try {
    return { call, result: await calls.run(call, work) };
  } catch (error) {
    return { call, error };
  }
}

/** The `onEvent` option of a soak shim: counts adoptions and fallbacks of the current call. */
export function onShimEvent(event) {
  const call = calls.getStore();
  if (call === undefined) return;
  if (event.type === 'download-adopted') call.adoptions += 1;
  if (event.type === 'route-fallback') call.fallbacks += 1;
}

/** Wraps `shim.downloadSnapshot` so each job request of a call is recorded in its scope. */
export function instrument(shim) {
  const original = shim.downloadSnapshot;
  shim.downloadSnapshot = async function downloadSnapshot(...args) {
    const entry = { jobId: undefined, failed: undefined };
    calls.getStore()?.requests.push(entry);
    try {
      const job = await original.apply(this, args);
      entry.jobId = job.id;
      return job;
    } catch (error) {
      entry.failed = error?.constructor?.name ?? typeof error;
      throw error;
    }
  };
  return shim;
}

/**
 * The jobs of one call, from the simulator's job ids of its snapshot before and after the
 * call (no other call touches that snapshot meanwhile) and the call's job requests:
 *
 * - `requests`: job requests the call made: 1, plus 1 for an expired-URL renewal;
 * - `renewals`: `requests - 1`;
 * - `created`: jobs the simulator created for the snapshot during the call;
 * - `orphans`: created jobs no request answered with, up to one per request that failed
 *   (its POST may have been processed before the failure: the job exists, nobody follows
 *   it; the shim says so with an `UnconfirmedJobError`);
 * - `duplicates`: the other created jobs no request answered with: jobs beyond the ones the
 *   call adopted or returned (a POST sent twice for one request, or a job created and then
 *   passed over for another). At least `created - requests`;
 * - `adoptedEarlier`: jobs a request answered with that existed before the call (an
 *   ambiguous POST adopted a recent job of the same snapshot from an earlier call);
 * - `renewedToSameJob`: renewals answered with the job of the call's first request, the one
 *   whose URL was just refused (the renewal's POST failed ambiguously, and the look-up
 *   adopted that job back instead of getting a fresh one).
 */
export function jobAccount(call, jobIdsBefore, jobIdsAfter) {
  const before = new Set(jobIdsBefore);
  const created = jobIdsAfter.filter((id) => !before.has(id));
  const answered = call.requests.map((request) => request.jobId).filter((id) => id !== undefined);
  const createdSet = new Set(created);
  const requests = call.requests.length;
  const failedRequests = call.requests.filter((request) => request.failed !== undefined).length;
  const unanswered = created.filter((id) => !answered.includes(id)).length;
  return {
    requests,
    renewals: Math.max(0, requests - 1),
    failedRequests,
    created: created.length,
    createdIds: created,
    answeredIds: answered,
    duplicates: Math.max(0, unanswered - failedRequests),
    orphans: Math.min(unanswered, failedRequests),
    adoptedEarlier: new Set(answered.filter((id) => !createdSet.has(id))).size,
    renewedToSameJob: answered.length - new Set(answered).size,
  };
}
