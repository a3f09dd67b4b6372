// 1. Facade overhead: `shim.downloadSnapshot` against the hand-written raw undici request
// (raw-digest.mjs) to the same endpoint, the Flex download POST, with the same digest auth.
// Both are warm (connection open, nonce known, the shim's cluster kind cached), so what is
// measured is the cost the shim adds per call: input validation, the flag and route
// decision, the Atlas client, the digest interceptor and the normalized model.
// The simulator runs in its own process; its jobs complete at once (jobDurationMs 0), so
// every POST does the same small amount of server work however many jobs exist.
import { createSnapshotShim, FLEX_MEDIA_TYPE } from '../dist/index.js';
import { startSimulatorProcess } from './simulator-process.mjs';
import { createRawDigestClient } from './raw-digest.mjs';
import { formatTable, median, now, percentile, ratio, round, row, verdict } from './stats.mjs';

const ATLAS_NOW = '2026-01-10T12:00:00Z';
// One Date for every call: the clock the shim reads per call must cost nothing, as a real clock nearly does.
const FIXED_NOW = new Date(ATLAS_NOW);

/**
 * Sends `total` calls of `call` with `inFlight` of them outstanding at any time; returns
 * calls per second and this process's CPU time per call (user + system), which the other
 * processes on a shared machine disturb far less than wall time.
 */
export async function throughput(call, total, inFlight) {
  let started = 0;
  const t0 = now();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (started < total) {
      started += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (total * 1000) / elapsed, cpuMicrosPerCall: (cpu.user + cpu.system) / total };
}

/**
 * @param {{ sequentialCalls?: number, warmupCalls?: number, throughputCalls?: number, throughputRounds?: number, inFlight?: number }} options
 */
export async function run(options = {}) {
  const { sequentialCalls = 2000, warmupCalls = 300, throughputCalls = 2000, throughputRounds = 10, inFlight = 64 } = options;
  const sim = await startSimulatorProcess({ now: ATLAS_NOW, jobDurationMs: 0 });
  const shim = createSnapshotShim({ baseUrl: sim.url, credentials: sim.apiKey, now: () => FIXED_NOW });
  const raw = createRawDigestClient({ origin: sim.url, publicKey: sim.apiKey.publicKey, privateKey: sim.apiKey.privateKey });
  const clusterName = sim.clusters.flex;
  const snapshotId = sim.snapshotIds(clusterName)[0];
  const path = `/api/atlas/v2/groups/${sim.groupId}/flexClusters/${clusterName}/backup/download`;
  const variants = {
    shim: () => shim.downloadSnapshot({ groupId: sim.groupId, clusterName, snapshotId }),
    raw: () => raw.post(path, FLEX_MEDIA_TYPE, { snapshotId }),
  };
  try {
    // Same endpoint, same answer: the comparison is only fair if both really hit the download POST.
    const [viaShim, viaRaw] = [await variants.shim(), await variants.raw()];
    if (viaShim.decision.endpoint.path !== path || viaShim.status !== viaRaw.status) throw new Error('the shim and the baseline did not call the same endpoint');

    // Sequential latency, one call of each alternately (A B B A …), so noise hits both alike.
    const latency = { shim: [], raw: [] };
    for (let i = -warmupCalls; i < sequentialCalls; i += 1) {
      for (const name of i % 2 === 0 ? ['shim', 'raw'] : ['raw', 'shim']) {
        const t0 = now();
        await variants[name]();
        if (i >= 0) latency[name].push(now() - t0);
      }
    }
    // Throughput at `inFlight` concurrent calls, whole rounds alternated (A B, B A, …). The
    // ratio is the median of each round's ratio, shim against the raw round next to it in
    // time: other processes' load on a shared machine drifts over seconds, and a pair of
    // neighbouring rounds sees the same drift, where medians taken apart do not.
    const rate = { shim: [], raw: [] };
    const cpu = { shim: [], raw: [] };
    for (let i = -1; i < throughputRounds; i += 1) {
      for (const name of i % 2 === 0 ? ['shim', 'raw'] : ['raw', 'shim']) {
        const measured = await throughput(variants[name], throughputCalls, inFlight);
        if (i >= 0) rate[name].push(round(measured.perSecond, 0));
        if (i >= 0) cpu[name].push(round(measured.cpuMicrosPerCall, 1));
      }
    }

    const p50 = { shim: percentile(latency.shim, 50), raw: percentile(latency.raw, 50) };
    const p99 = { shim: percentile(latency.shim, 99), raw: percentile(latency.raw, 99) };
    const rps = { shim: median(rate.shim), raw: median(rate.raw) };
    const cpuPerCall = { shim: median(cpu.shim), raw: median(cpu.raw) };
    const pairedRatio = (series) => round(median(series.shim.map((value, i) => value / series.raw[i])), 3);
    const data = {
      endpoint: `POST ${path.replace(sim.groupId, '{groupId}')} (downloadFlexBackup)`,
      baseline: 'undici Agent.request, hand-written MD5 digest signed preemptively with the warm nonce, JSON.parse of the body',
      sequentialCalls,
      warmupCalls,
      throughputCalls,
      throughputRounds,
      inFlight,
      p50Ms: { shim: round(p50.shim, 3), raw: round(p50.raw, 3), ratio: ratio(p50.shim, p50.raw) },
      p99Ms: { shim: round(p99.shim, 3), raw: round(p99.raw, 3), ratio: ratio(p99.shim, p99.raw) },
      callsPerSecond: { shim: round(rps.shim, 0), raw: round(rps.raw, 0), ratio: pairedRatio(rate), ratioOfMedians: ratio(rps.shim, rps.raw), rounds: rate },
      clientCpuMicrosPerCall: { shim: round(cpuPerCall.shim, 1), raw: round(cpuPerCall.raw, 1), ratio: pairedRatio(cpu), ratioOfMedians: ratio(cpuPerCall.shim, cpuPerCall.raw), rounds: cpu },
    };
    const rows = [
      row('1 facade', 'p50 latency, sequential (ms)', data.p50Ms.shim, data.p50Ms.raw, data.p50Ms.ratio, '≤ 1.10', verdict(data.p50Ms.ratio <= 1.1)),
      row('1 facade', 'p99 latency, sequential (ms)', data.p99Ms.shim, data.p99Ms.raw, data.p99Ms.ratio),
      row('1 facade', `throughput, ${inFlight} in flight (calls/s; paired ratio)`, data.callsPerSecond.shim, data.callsPerSecond.raw, data.callsPerSecond.ratio, '≥ 0.95', verdict(data.callsPerSecond.ratio >= 0.95)),
      row('1 facade', `client CPU per call, ${inFlight} in flight (µs; paired ratio)`, data.clientCpuMicrosPerCall.shim, data.clientCpuMicrosPerCall.raw, data.clientCpuMicrosPerCall.ratio),
    ];
    return { rows, data };
  } finally {
    await shim.close();
    await raw.close();
    await sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, data } = await run();
  console.log(formatTable(rows));
  console.log(JSON.stringify(data, null, 2));
}
