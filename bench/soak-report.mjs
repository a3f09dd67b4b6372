// Turns the soak's per-download records into its report: failures by error class (with the
// fields that say why), job, file and bug counts, the violations that fail the run, and a
// readable summary for the terminal.
import { ShimError } from '../dist/index.js';

// Which Atlas step a request path belongs to (tenant and Flex paths alike).
const STEPS = [
  [/\/backup\/(tenant\/)?download$/, 'download request'],
  [/\/backup\/(tenant\/restores|restoreJobs)\/[^/]+$/, 'job poll'],
  [/\/backup\/(tenant\/restores|restoreJobs)$/, 'job list'],
  [/\/(clusters|flexClusters)\/[^/]+$/, 'cluster look-up'],
];

function stepOf(request) {
  if (typeof request?.path !== 'string') return undefined;
  return STEPS.find(([pattern]) => pattern.test(request.path))?.[1] ?? `${request.method} ${request.path}`;
}

// An AtlasResponseError's reason without the request (already named by its step).
function responseProblem(message) {
  if (/expected a JSON body, got content-type/.test(message)) return 'wrong content type';
  if (/not valid JSON/.test(message)) return 'malformed JSON';
  return message.replace(/^.*\(HTTP \d+\): /, '').slice(0, 80);
}

/** What a failed call threw, reduced to the fields that classify it. */
export function describeError(error) {
  const name = error?.constructor?.name ?? typeof error;
  const detail = [];
  if (typeof error?.status === 'number') detail.push(`status ${error.status}`);
  if (error?.errorCode) detail.push(error.errorCode);
  if (name === 'AtlasResponseError') detail.push(responseProblem(String(error.message)));
  if (error?.phase) detail.push(`phase ${error.phase}`);
  if (error?.causeCode) detail.push(error.causeCode);
  if (error?.failure) detail.push(`after ${error.failure}`);
  if (error?.lastStatus) detail.push(`last status ${error.lastStatus}`);
  const step = stepOf(error?.request);
  if (step) detail.push(`in ${step}`);
  // An unconfirmed job means the look-up for it failed as well: say how.
  if (name === 'UnconfirmedJobError' && error.cause) {
    const cause = error.cause;
    detail.push(`look-up: ${[cause.constructor?.name, cause.status, cause.errorCode, cause.causeCode].filter(Boolean).join(' ')}`);
  }
  return {
    class: name,
    shimError: error instanceof ShimError,
    code: typeof error?.code === 'string' ? error.code : undefined,
    detail: detail.join(', ') || (typeof error?.code === 'string' ? error.code : 'none'),
    message: String(error?.message ?? error).slice(0, 400),
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}

function increment(map, key, by = 1) {
  map[key] = (map[key] ?? 0) + by;
}

/**
 * @param {object} run options, eras, settings, wall time, traffic, directory audit, run-level findings
 * @param {object[]} records one per download
 */
export function buildReport(run, records) {
  const completed = records.filter((r) => r.outcome === 'completed');
  const failed = records.filter((r) => r.outcome === 'failed');

  const failedByClass = {};
  for (const record of failed) {
    const { class: name, detail, message } = record.error;
    failedByClass[name] ??= { count: 0, byDetail: {} };
    failedByClass[name].count += 1;
    const bucket = (failedByClass[name].byDetail[detail] ??= { count: 0, examples: [] });
    bucket.count += 1;
    if (bucket.examples.length < 2 && !bucket.examples.some((e) => e.message === message)) bucket.examples.push({ download: record.index, scenario: record.scenario, message });
  }

  const byScenario = {};
  for (const record of records) {
    const s = (byScenario[record.scenario] ??= { downloads: 0, completed: 0, failed: 0, routes: {} });
    s.downloads += 1;
    s[record.outcome] += 1;
    if (record.route) increment(s.routes, record.route);
  }

  const sum = (key) => records.reduce((total, r) => total + r.jobs[key], 0);
  const jobs = {
    requests: sum('requests'),
    created: sum('created'),
    duplicates: sum('duplicates'),
    duplicateDetail: records.filter((r) => r.jobs.duplicates > 0).map((r) => ({ download: r.index, scenario: r.scenario, snapshotId: r.snapshotId, ...r.jobs })),
    renewals: sum('renewals'),
    orphansOfFailedRequests: sum('orphans'),
    adoptions: records.reduce((total, r) => total + r.adoptions, 0),
    adoptedEarlierJob: sum('adoptedEarlier'),
    renewedToSameJob: sum('renewedToSameJob'),
    renewedToSameJobDetail: records
      .filter((r) => r.jobs.renewedToSameJob > 0)
      .map((r) => ({ download: r.index, scenario: r.scenario, snapshotId: r.snapshotId, outcome: r.outcome, jobIds: r.jobs.answeredIds })),
    failedRequests: sum('failedRequests'),
    createdAfterCallEnded: run.lateJobs.reduce((total, late) => total + late.jobIds.length, 0),
    renewalsWithoutExpiredUrl: records.filter((r) => r.renewalCheck === 'renewal without expired-url fault').length,
    expiredUrlWithoutRenewal: records.filter((r) => r.renewalCheck === 'expired-url fault without renewal').length,
  };

  // Every request answered with a job the call created, or an earlier call's, or its own refused one, or failed.
  jobs.reconciliation =
    `${jobs.requests} requests = ${jobs.created - jobs.orphansOfFailedRequests - jobs.duplicates} answered with a job created in the call` +
    ` + ${jobs.adoptedEarlierJob} with an earlier call's job + ${jobs.renewedToSameJob} renewals with the refused job + ${jobs.failedRequests} failed`;
  const balanced = jobs.created - jobs.orphansOfFailedRequests - jobs.duplicates + jobs.adoptedEarlierJob + jobs.renewedToSameJob + jobs.failedRequests === jobs.requests;

  const { audit } = run;
  const sidecar = (entries) => entries.filter((e) => e.sidecar).length;
  const files = {
    verifiedFromDisk: completed.filter((r) => r.file?.diskSha256 !== undefined).length,
    shaMismatches: completed.filter((r) => r.file?.shaMatches === false).length,
    returnedDigestOrSizeWrong: completed.filter((r) => r.file?.returnedMatches === false).length,
    halfFiles: audit.atFailedDestination.length + audit.partsBesideCompleted.length + audit.stray.length,
    halfFileDetail: {
      atFailedDestination: audit.atFailedDestination,
      seenRightAfterFailure: failed.filter((r) => r.fileAtDestinationAfterFailure !== undefined).length,
      temporaryFilesBesideCompleted: audit.partsBesideCompleted,
      strayFiles: audit.stray,
    },
    partsLeftForResume: {
      downloads: new Set(audit.partsForResume.map((e) => e.download)).size,
      partFiles: audit.partsForResume.length - sidecar(audit.partsForResume),
      sidecars: sidecar(audit.partsForResume),
      bytes: audit.partsForResume.filter((e) => !e.sidecar).reduce((total, e) => total + e.bytes, 0),
    },
    completedDestinationsOnDisk: audit.completed,
  };

  const nonShim = failed.filter((r) => !r.error.shimError && !r.hung);
  const bugs = {
    nonShimErrors: nonShim.map((r) => ({ download: r.index, scenario: r.scenario, ...r.error })),
    hangs: records.filter((r) => r.hung).map((r) => ({ download: r.index, scenario: r.scenario, settled: r.hung === 'aborted', error: r.error })),
    unhandled: run.unhandled,
  };

  // The soak passes only when every download completed: a failure the shim reported well is a failure still.
  const violations = [];
  if (records.length !== run.options.downloads) violations.push(`${records.length} of ${run.options.downloads} downloads ran`);
  if (failed.length > 0) {
    const classes = Object.entries(failedByClass)
      .sort((a, b) => b[1].count - a[1].count)
      .map(([name, entry]) => `${name} ${entry.count}: ${Object.entries(entry.byDetail).map(([detail, bucket]) => `${detail} ${bucket.count}`).join('; ')}`);
    violations.push(`${failed.length} of ${records.length} downloads failed (${classes.join(' | ')})`);
  }
  if (jobs.duplicates > 0) violations.push(`${jobs.duplicates} duplicate job(s)`);
  if (files.shaMismatches > 0) violations.push(`${files.shaMismatches} file(s) whose SHA-256 differs from the source`);
  if (files.halfFiles > 0) violations.push(`${files.halfFiles} half file(s)`);
  if (files.returnedDigestOrSizeWrong > 0) violations.push(`${files.returnedDigestOrSizeWrong} result(s) whose returned sha256/bytes differ from the file on disk`);
  if (files.completedDestinationsOnDisk !== completed.length) violations.push(`${completed.length} completed calls but ${files.completedDestinationsOnDisk} destination files on disk`);
  if (bugs.nonShimErrors.length > 0) violations.push(`${bugs.nonShimErrors.length} failure(s) with an error that is not a ShimError`);
  if (bugs.hangs.length > 0) violations.push(`${bugs.hangs.length} call(s) still running at the watchdog`);
  if (bugs.unhandled.length > 0) violations.push(`${bugs.unhandled.length} unhandled rejection(s) or exception(s)`);
  if (jobs.createdAfterCallEnded > 0) violations.push(`${jobs.createdAfterCallEnded} job(s) created after their call had ended`);
  if (jobs.renewalsWithoutExpiredUrl + jobs.expiredUrlWithoutRenewal > 0) {
    violations.push(
      `renewals do not match expired-URL faults (${jobs.renewalsWithoutExpiredUrl} call(s) renewed without one, ${jobs.expiredUrlWithoutRenewal} met one without renewing):` +
        ' the shim judged a URL expiry on a wrong clock, or the job accounting cannot be trusted',
    );
  }
  if (!balanced) violations.push(`job requests do not reconcile (${jobs.reconciliation}): the job accounting cannot be trusted`);
  // A completed call made at least one job request; none recorded means the wrapper no longer sees them.
  const unseen = completed.filter((r) => r.jobs.requests === 0).length;
  if (unseen > 0) violations.push(`${unseen} completed call(s) with no job request recorded: the job accounting cannot be trusted`);

  // What the simulators injected, all eras together: every kind asked for should show up in a long run.
  const faultsInjected = { total: 0, requests: 0, byKind: {} };
  for (const era of Object.values(run.traffic)) {
    faultsInjected.requests += era.requests;
    for (const [kind, targets] of Object.entries(era.faults)) {
      const entry = (faultsInjected.byKind[kind] ??= { atlas: 0, 'snapshot-file': 0 });
      entry.atlas += targets.atlas;
      entry['snapshot-file'] += targets['snapshot-file'];
      faultsInjected.total += targets.atlas + targets['snapshot-file'];
    }
  }
  faultsInjected.kindsNotDrawn = run.options.faultKinds.filter((kind) => faultsInjected.byKind[kind] === undefined);

  const durations = records.map((r) => r.durationMs).sort((a, b) => a - b);
  return {
    command: run.command,
    profile: run.options.profile,
    verdict: violations.length === 0 ? 'pass' : 'fail',
    violations,
    options: run.options,
    wallTimeMs: run.wallTimeMs,
    downloads: records.length,
    completed: completed.length,
    failed: failed.length,
    failedByClass,
    failures: failed.map((r) => ({ download: r.index, scenario: r.scenario, snapshotId: r.snapshotId, class: r.error.class, detail: r.error.detail })),
    byScenario,
    jobs,
    files,
    bugs,
    faultsInjected,
    retries: records.reduce((total, r) => total + r.retries, 0),
    routeFallbacks: records.reduce((total, r) => total + (r.fallbacks ?? 0), 0),
    callDurationMs: { p50: percentile(durations, 50), p95: percentile(durations, 95), p99: percentile(durations, 99), max: percentile(durations, 100) },
    traffic: run.traffic,
  };
}

/** The report as a terminal summary. */
export function formatReport(report) {
  const lines = [];
  const o = report.options;
  lines.push(`soak ${report.verdict.toUpperCase()}: ${report.downloads} downloads in ${(report.wallTimeMs / 1000).toFixed(1)} s`);
  lines.push(`  repeat with: ${report.command}`);
  lines.push(`  profile ${report.profile}: sunset ${o.sunsetDate}; clocks at the start (Atlas minus machine, Atlas minus shim):`);
  for (const [era, c] of Object.entries(o.eras)) {
    lines.push(`    ${era} (${c.label}): Atlas ${c.atlasClockAtStart}, ${c.atlasMinusMachineDays} days, ${c.atlasMinusShimAtStartDays} days; shim clock: ${c.shimClock}`);
  }
  lines.push(`  options: concurrency ${o.concurrency}, fault rate ${o.rate}, seed ${o.seed}, fault kinds ${o.faultKinds.length === 11 ? 'all 11' : o.faultKinds.join(',')}`);
  // Reports written before these options existed have neither: the library's defaults.
  lines.push(`  save: part size ${o.partSizeBytes == null ? 'default' : `${o.partSizeBytes} bytes`}, connections ${o.connections ?? 'default'}`);
  const fi = report.faultsInjected;
  lines.push(`  faults injected: ${fi.total} in ${fi.requests} requests (${Object.entries(fi.byKind).map(([k, t]) => `${k} ${t.atlas + t['snapshot-file']}`).join(', ')})`);
  if (fi.kindsNotDrawn.length > 0) lines.push(`  fault kinds never drawn: ${fi.kindsNotDrawn.join(', ')}`);
  lines.push(`  completed ${report.completed} of ${report.options.downloads}, failed ${report.failed}`);
  for (const [name, entry] of Object.entries(report.failedByClass).sort((a, b) => b[1].count - a[1].count)) {
    lines.push(`    ${name}: ${entry.count}`);
    for (const [detail, bucket] of Object.entries(entry.byDetail).sort((a, b) => b[1].count - a[1].count)) {
      lines.push(`      ${detail}: ${bucket.count}  e.g. ${bucket.examples[0]?.message.slice(0, 140)}`);
    }
  }
  const j = report.jobs;
  lines.push(`  jobs: ${j.created} created for ${j.requests} requests; duplicates ${j.duplicates}; renewals ${j.renewals}; orphans of failed requests ${j.orphansOfFailedRequests}`);
  lines.push(`        ${j.reconciliation}`);
  lines.push(`        adoptions ${j.adoptions} (of a job from an earlier call: ${j.adoptedEarlierJob}; renewals answered with the refused job: ${j.renewedToSameJob}); created after the call ended ${j.createdAfterCallEnded}`);
  const f = report.files;
  lines.push(`  files: ${f.verifiedFromDisk} re-hashed from disk; SHA mismatches ${f.shaMismatches}; half files ${f.halfFiles}`);
  lines.push(`         .part files kept for resume: ${f.partsLeftForResume.partFiles} (+${f.partsLeftForResume.sidecars} sidecars) of ${f.partsLeftForResume.downloads} failed downloads`);
  lines.push(`  bugs: non-ShimError failures ${report.bugs.nonShimErrors.length}; hangs ${report.bugs.hangs.length}; unhandled ${report.bugs.unhandled.length}`);
  lines.push(`  retries ${report.retries}; route fallbacks ${report.routeFallbacks}; call duration p50 ${report.callDurationMs.p50} ms, p95 ${report.callDurationMs.p95} ms, max ${report.callDurationMs.max} ms`);
  for (const [scenario, s] of Object.entries(report.byScenario)) {
    lines.push(`  ${scenario}: ${s.completed}/${s.downloads} completed, routes ${Object.entries(s.routes).map(([r, n]) => `${r} ${n}`).join(', ')}`);
  }
  for (const violation of report.violations) lines.push(`  VIOLATION: ${violation}`);
  return lines.join('\n');
}
