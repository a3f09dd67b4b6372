// Soak: many full downloads (`shim.download`) against the Atlas simulator with seeded random
// faults of every kind it has, then a report of what completed, what failed and why, and
// the things that must never happen: duplicate jobs, files whose bytes differ from the
// source, half files. Not part of the test suite; run with `npm run soak` (see
// soak-options.mjs for the flags). A run with the default size writes bench/soak-report.json
// (profile default) or bench/soak-report-skewed.json (profile skewed); any other writes
// bench/soak-report-partial.json, so a quick look never replaces a report.
//
// Setup, and why:
// - One child process runs two simulators on 127.0.0.1 (soak-simulator-child.mjs): one whose
//   Atlas clock is before the sunset (2026-01-22, the default of simulators and shims alike),
//   one after, so shared clusters go through the tenant endpoint before it and the Flex one
//   after. Both clocks start at an era instant when the soak starts (the anchor) and move
//   with real time. One shim per era:
//   - profile default: eras beforeSunset and afterSunset start at fixed instants, and each
//     shim is told its simulator's clock (option `now`, trusted as it is);
//   - profile skewed: eras atlasBehind (Atlas 400 days behind the machine's clock, before the
//     sunset) and atlasAhead (400 days ahead, after it), and the shims get no `now`: they run
//     the machine's clock corrected by the `Date` header of Atlas's answers (which follows
//     the simulator's clock), the feature under test. Nothing in the soak compares instants
//     of the two clocks: jobs are told apart by id, durations and timeouts are real time.
// - Each download uses one snapshot of one cluster kind (shared M2/M5, flexLegacy, flex, in
//   each era: six scenarios, in turn). No two calls run on the same snapshot of the same
//   simulator at once, so the simulator's jobs of that snapshot before and after a call tell
//   exactly which jobs the call created (see soak-ledger.mjs).
// - Every completed file is re-hashed from disk and compared with the simulator's digest of
//   the snapshot; after every failed call nothing may be at its destination; at the end every
//   file of the temporary directory is accounted for (soak-files.mjs).
// - The seed fixes each simulator's fault draws in the order requests arrive. With several
//   downloads in flight (and polls paced by real time) that order varies between runs, so a
//   repeated seed repeats the mix of faults, not which download meets which; --concurrency 1
//   comes closest to an exact replay.
//
// Exit code 1 when a violation is found (any failed download, duplicate jobs, SHA mismatches,
// half files, hangs, and the other findings listed in soak-report.mjs), 2 when the soak
// cannot run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createSnapshotShim, DEFAULT_SUNSET_DATE } from '../dist/index.js';
import { SIMULATOR_DEFAULTS } from '../dist/simulator.js';
import { auditDirectory, destinationKey, hashFile, sizeAt } from './soak-files.mjs';
import { instrument, jobAccount, onShimEvent, recordCall } from './soak-ledger.mjs';
import { SoakUsageError, soakOptions } from './soak-options.mjs';
import { buildReport, describeError, formatReport } from './soak-report.mjs';
import { startSoakSimulators } from './soak-simulators.mjs';

const reportPath = (name) => fileURLToPath(new URL(`./${name}`, import.meta.url));

const DAY_MS = 86_400_000;
const SKEW_DAYS = 400;
// Neither the simulators nor the shims are given a sunset: both use their default, the same one.
const SUNSET_MS = new Date(SIMULATOR_DEFAULTS.sunsetDate).getTime();

/**
 * A profile's eras, in seed order: each simulator's Atlas instant at the anchor (the clock then
 * moves with real time), the side of the sunset it is on, and what it is, for the report.
 * `shimClock`: `trusted` gives each shim its simulator's clock as `now`; `learned` gives none.
 */
function profileOf(name, anchorMs) {
  if (name === 'default') {
    return {
      shimClock: 'trusted',
      eras: {
        beforeSunset: { start: '2025-12-01T12:00:00.000Z', side: 'before', label: 'Atlas before the sunset, the shim told the same clock' },
        afterSunset: { start: '2026-03-01T12:00:00.000Z', side: 'after', label: 'Atlas after the sunset, the shim told the same clock' },
      },
    };
  }
  const skewed = (days) => new Date(anchorMs + days * DAY_MS).toISOString();
  return {
    shimClock: 'learned',
    eras: {
      atlasBehind: { start: skewed(-SKEW_DAYS), side: 'before', label: `Atlas ${SKEW_DAYS} days behind the client, before the sunset` },
      atlasAhead: { start: skewed(SKEW_DAYS), side: 'after', label: `Atlas ${SKEW_DAYS} days ahead of the client, after the sunset` },
    },
  };
}

/** Each era's clocks at the anchor, for the report: Atlas's instant and its offsets from the machine and from the shim. */
function clocksOf(profile, anchorMs) {
  return Object.fromEntries(
    Object.entries(profile.eras).map(([era, { start, side, label }]) => {
      const offsetDays = (new Date(start).getTime() - anchorMs) / DAY_MS;
      return [
        era,
        {
          label,
          sunsetSide: side,
          atlasClockAtStart: start,
          machineClockAtStart: new Date(anchorMs).toISOString(),
          atlasMinusMachineDays: Number(offsetDays.toFixed(3)),
          shimClock: profile.shimClock === 'trusted' ? "option now: the simulator's Atlas clock" : "no now option: the machine clock, corrected by the Date header of Atlas's answers",
          // Where the shim's clock starts: on Atlas's (trusted), or on the machine's until an answer corrects it.
          atlasMinusShimAtStartDays: profile.shimClock === 'trusted' ? 0 : Number(offsetDays.toFixed(3)),
        },
      ];
    }),
  );
}
const CLUSTER_KINDS = { shared: ['shared', 'sharedM5'], flexLegacy: ['flexLegacy'], flex: ['flex'] };
// Short jobs and small files, so a thousand downloads take minutes and faults dominate.
const SIMULATOR = { jobDurationMs: 50, snapshotSizeBytes: 256 * 1024 };
// Retries: the default count, shorter waits. The random 429s say `Retry-After: 1`, which
// the shim honours, so the budget leaves room for a few of them.
const RETRY = { limit: 4, baseDelayMs: 50, maxDelayMs: 2_000, maxElapsedMs: 15_000 };
// Timeouts of Atlas API calls: tight against a local simulator, yet far above its slowest
// faulted answer (latency 100 ms, a drip of 8 pieces 10 ms apart) on a loaded 2-core machine.
// The snapshot host is reached through the shim's default agent (its own 10 s / 30 s timeouts).
const TIMEOUTS = { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000, deadlineMs: 30_000 };
// Polling at the pace of a 50 ms job.
const WAIT = { pollIntervalMs: 25, maxPollIntervalMs: 100, timeoutMs: 60_000 };
// 0: every download resolves the cluster kind afresh, as a one-shot CLI run does, so faults hit those look-ups too.
const CLUSTER_KIND_TTL_MS = 0;
// A call still running after this is aborted and reported as a hang; one that ignores the abort is left behind.
const WATCHDOG_MS = 120_000;
const ABANDON_MS = 30_000;

class SoakWatchdog extends Error {}

/** Snapshots free for a call, per scenario; a call waits for one when all are busy. */
class SnapshotPool {
  #free;
  #waiters = [];
  constructor(slots) {
    this.#free = [...slots];
  }
  async acquire() {
    return this.#free.shift() ?? new Promise((resolve) => this.#waiters.push(resolve));
  }
  release(slot) {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(slot);
    else this.#free.push(slot);
  }
}

/** The save options each download is given: only those set, so an unset one is the library's default. */
function saveOptionsOf(options) {
  return {
    ...(options.partSizeKib === undefined ? {} : { partSizeBytes: options.partSizeKib * 1024 }),
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  };
}

function commandOf(options) {
  const kinds = options.allKinds ? '' : ` --kinds ${options.kinds.join(',')}`;
  const partSize = options.partSizeKib === undefined ? '' : ` --part-size-kib ${options.partSizeKib}`;
  const connections = options.connections === undefined ? '' : ` --connections ${options.connections}`;
  return `npm run soak -- --profile ${options.profile} --downloads ${options.downloads} --concurrency ${options.concurrency} --rate ${options.rate} --seed ${options.seed}${kinds}${partSize}${connections}`;
}

async function main() {
  const options = soakOptions();
  const reportFile = reportPath(options.reportName);
  const { SIMULATOR_FAULT_KINDS } = await import('../dist/simulator.js');
  options.allKinds = SIMULATOR_FAULT_KINDS.every((kind) => options.kinds.includes(kind));
  const command = commandOf(options);
  const save = saveOptionsOf(options);
  if (new Date(DEFAULT_SUNSET_DATE).getTime() !== SUNSET_MS) {
    throw new Error(`the shim's default sunset (${DEFAULT_SUNSET_DATE}) differs from the simulator's (${SIMULATOR_DEFAULTS.sunsetDate})`);
  }
  // The anchor: real time at which every era's clock stands at its start instant.
  const anchorMs = Date.now();
  const profile = profileOf(options.profile, anchorMs);
  const eras = Object.fromEntries(Object.entries(profile.eras).map(([era, { start }]) => [era, start]));
  for (const [era, { start, side }] of Object.entries(profile.eras)) {
    // A machine clock far enough from the sunset would put a skewed era on the other side: the profile would test something else.
    if ((new Date(start).getTime() >= SUNSET_MS) !== (side === 'after')) {
      throw new Error(`era ${era} starts at ${start}, not ${side} the sunset (${SIMULATOR_DEFAULTS.sunsetDate}); machine clock ${new Date(anchorMs).toISOString()}`);
    }
  }
  const clocks = clocksOf(profile, anchorMs);
  console.log(
    `soak: profile ${options.profile}, ${options.downloads} downloads, concurrency ${options.concurrency}, fault rate ${options.rate}, seed ${options.seed}` +
      `, part size ${save.partSizeBytes === undefined ? 'default' : `${save.partSizeBytes} bytes`}, connections ${save.connections ?? 'default'}`,
  );
  for (const [era, c] of Object.entries(clocks)) {
    console.log(`soak: era ${era} (${c.label}): Atlas clock ${c.atlasClockAtStart}, ${c.atlasMinusMachineDays} days from the machine's; shim: ${c.shimClock}`);
  }
  console.log(`soak: repeat with ${command}`);

  const unhandled = [];
  process.on('unhandledRejection', (reason) => unhandled.push({ type: 'unhandledRejection', ...describeError(reason) }));
  process.on('uncaughtException', (error) => unhandled.push({ type: 'uncaughtException', ...describeError(error) }));

  // Era seeds: the given one before the sunset, the next one after; each simulator draws its own faults.
  const eraSeeds = Object.fromEntries(Object.keys(eras).map((era, i) => [era, (options.seed + i) % 2 ** 32]));
  const sims = await startSoakSimulators({
    anchorMs,
    eras: Object.fromEntries(Object.entries(eras).map(([era, now]) => [era, { now, seed: eraSeeds[era] }])),
    simulator: SIMULATOR,
    faults: { rate: options.rate, kinds: options.kinds },
  });
  const dir = await mkdtemp(join(tmpdir(), 'atlas-snapshot-soak-'));
  const shims = Object.fromEntries(
    Object.entries(eras).map(([era, now]) => {
      const base = new Date(now).getTime();
      const shim = createSnapshotShim({
        baseUrl: sims.eras[era].url,
        credentials: sims.eras[era].apiKey,
        // The simulator's clock (soak-simulator-child.mjs computes it the same way), or none at all.
        ...(profile.shimClock === 'trusted' ? { now: () => new Date(base + (Date.now() - anchorMs)) } : {}),
        retry: RETRY,
        timeouts: TIMEOUTS,
        clusterKindTtlMs: CLUSTER_KIND_TTL_MS,
        onEvent: onShimEvent,
      });
      return [era, instrument(shim)];
    }),
  );

  // Six scenarios (cluster kind × era), each with a pool of its snapshots.
  const scenarios = [];
  for (const [kind, roles] of Object.entries(CLUSTER_KINDS)) {
    for (const era of Object.keys(eras)) {
      const { clusters, snapshotIds } = sims.eras[era];
      const slots = roles.flatMap((role) => snapshotIds[clusters[role]].map((snapshotId) => ({ era, clusterName: clusters[role], snapshotId, lastJobIds: undefined, lastIndex: undefined })));
      scenarios.push({ name: `${kind}/${era}`, pool: new SnapshotPool(slots), slots });
    }
  }

  const sources = new Map();
  const sourceOf = async (era, snapshotId) => {
    const key = `${era}/${snapshotId}`;
    if (!sources.has(key)) sources.set(key, { sha256: await sims.sha256(era, snapshotId), bytes: await sims.size(era, snapshotId) });
    return sources.get(key);
  };

  const records = [];
  const lateJobs = [];
  const destinations = new Map();

  async function downloadOn(index, scenario, slot) {
    const { era, clusterName, snapshotId } = slot;
    const source = await sourceOf(era, snapshotId);
    const before = await sims.probe(era, snapshotId);
    // Jobs that appeared between the previous call on this snapshot and this one: a request outlived its call.
    if (slot.lastJobIds !== undefined) {
      const late = before.jobIds.filter((id) => !slot.lastJobIds.includes(id));
      if (late.length > 0) lateJobs.push({ download: slot.lastIndex, era, snapshotId, jobIds: late });
    }
    const destination = join(dir, `${String(index).padStart(5, '0')}-${era}-${clusterName}-${snapshotId}.tar.gz`);
    const controller = new AbortController();
    const watchdog = setTimeout(() => controller.abort(new SoakWatchdog(`still running after ${WATCHDOG_MS} ms`)), WATCHDOG_MS);
    const started = performance.now();
    const call = recordCall(() =>
      shims[era].download({ groupId: sims.eras[era].groupId, clusterName, snapshotId, destination, signal: controller.signal, ...WAIT, ...save }),
    );
    let abandon;
    const abandoned = new Promise((resolve) => {
      abandon = setTimeout(() => resolve({ abandoned: true }), WATCHDOG_MS + ABANDON_MS);
    });
    const settled = await Promise.race([call, abandoned]);
    clearTimeout(watchdog);
    clearTimeout(abandon);
    const durationMs = performance.now() - started;
    const after = await sims.probe(era, snapshotId);
    slot.lastJobIds = after.jobIds;
    slot.lastIndex = index;

    const record = { index, scenario: scenario.name, era, clusterName, snapshotId, durationMs: Math.round(durationMs) };
    if (settled.abandoned) {
      record.outcome = 'failed';
      record.hung = 'abandoned';
      record.error = { class: 'Hang', shimError: false, detail: 'never settled', message: `did not settle ${ABANDON_MS} ms after its abort` };
      record.jobs = jobAccount({ requests: [] }, before.jobIds, after.jobIds);
      record.retries = 0;
      record.adoptions = 0;
      records.push(record);
      destinations.set(destinationKey(destination), { outcome: 'failed', expectedBytes: source.bytes, index });
      return;
    }
    const { call: calls, result, error } = settled;
    record.jobs = jobAccount(calls, before.jobIds, after.jobIds);
    record.retries = calls.retries;
    record.adoptions = calls.adoptions;
    record.fallbacks = calls.fallbacks;
    // A renewal follows a refused snapshot URL; the random faults are the only refusals here
    // (a shim that judged an unexpired URL expired on a wrong clock would renew without one).
    const expired = after.expiredUrlFaults - before.expiredUrlFaults;
    if (record.jobs.renewals > 0 && expired === 0) record.renewalCheck = 'renewal without expired-url fault';
    if (record.jobs.renewals === 0 && expired > 0) record.renewalCheck = 'expired-url fault without renewal';
    if (error === undefined) {
      record.outcome = 'completed';
      record.route = result.job.decision.route;
      const disk = await hashFile(destination).catch((cause) => ({ error: String(cause) }));
      record.file = {
        diskSha256: disk.sha256,
        shaMatches: disk.sha256 === source.sha256 && disk.bytes === source.bytes,
        returnedMatches: result.path === destination && result.sha256 === disk.sha256 && result.bytes === disk.bytes,
      };
    } else {
      record.outcome = 'failed';
      record.error = describeError(error);
      if (controller.signal.aborted && error === controller.signal.reason) {
        record.hung = 'aborted';
        record.error.class = 'Hang';
      }
      const left = await sizeAt(destination);
      if (left !== undefined) record.fileAtDestinationAfterFailure = left;
    }
    destinations.set(destinationKey(destination), { outcome: record.outcome, expectedBytes: source.bytes, index });
    records.push(record);
  }

  let next = 0;
  let done = 0;
  const startedAt = performance.now();
  const step = Math.max(1, Math.ceil(options.downloads / 10));
  async function worker() {
    for (;;) {
      const index = next++;
      if (index >= options.downloads) return;
      const scenario = scenarios[index % scenarios.length];
      const slot = await scenario.pool.acquire();
      try {
        await downloadOn(index, scenario, slot);
      } finally {
        scenario.pool.release(slot);
      }
      done += 1;
      if (done % step === 0 || done === options.downloads) {
        const failed = records.filter((r) => r.outcome === 'failed').length;
        console.log(`soak: ${done}/${options.downloads} done, ${failed} failed, ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallTimeMs = Math.round(performance.now() - startedAt);

  // Jobs created after each snapshot's last call ended.
  for (const { slots } of scenarios) {
    for (const slot of slots) {
      if (slot.lastJobIds === undefined) continue;
      const { jobIds } = await sims.probe(slot.era, slot.snapshotId);
      const late = jobIds.filter((id) => !slot.lastJobIds.includes(id));
      if (late.length > 0) lateJobs.push({ download: slot.lastIndex, era: slot.era, snapshotId: slot.snapshotId, jobIds: late });
    }
  }
  const traffic = await sims.traffic();
  await Promise.all(Object.values(shims).map((shim) => shim.close()));
  await sims.stop();
  const audit = await auditDirectory(dir, destinations);

  const report = buildReport(
    {
      command,
      options: {
        profile: options.profile,
        downloads: options.downloads,
        concurrency: options.concurrency,
        rate: options.rate,
        seed: options.seed,
        eraSeeds,
        faultKinds: options.kinds,
        // The save options given to each download; null: not given, the library's default.
        partSizeBytes: save.partSizeBytes ?? null,
        connections: save.connections ?? null,
        clusterKinds: scenarios.map((s) => `${s.name} (${s.slots.length} snapshots)`),
        eras: clocks,
        sunsetDate: SIMULATOR_DEFAULTS.sunsetDate,
        simulator: { ...SIMULATOR, process: 'child', host: '127.0.0.1' },
        shim: { credentials: 'API key (digest)', route: 'auto', retry: RETRY, timeouts: TIMEOUTS, wait: WAIT, clusterKindTtlMs: CLUSTER_KIND_TTL_MS, watchdogMs: WATCHDOG_MS },
        node: process.version,
      },
      wallTimeMs,
      traffic,
      audit,
      lateJobs,
      unhandled,
    },
    records.sort((a, b) => a.index - b.index),
  );
  report.jobs.createdAfterCallEndedDetail = lateJobs;
  report.temporaryDirectory = dir;
  await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatReport(report));
  console.log(`soak: report written to ${reportFile}`);
  if (report.verdict === 'pass' && !options.keep) {
    await rm(dir, { recursive: true, force: true });
    report.temporaryDirectory = `${dir} (removed)`;
    await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  } else {
    console.log(`soak: files kept in ${dir}`);
  }
  return report.verdict === 'pass' ? 0 : 1;
}

main().then(
  (code) => {
    // Hung calls may hold sockets open: the verdict is in, so leave without waiting for them.
    process.exit(code);
  },
  (error) => {
    console.error('soak: could not run:', error instanceof SoakUsageError ? error.message : error);
    process.exit(2);
  },
);
