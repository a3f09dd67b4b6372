// Shared helpers of the benchmarks: percentiles, medians, ratios and the printed table.
// Every figure the bench reports is a ratio against a baseline measured in the same run,
// because these machines are shared and noisy: absolute times mean little.

/** The p-th percentile (0..100) of `values`, nearest-rank on a sorted copy. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The median: the mean of the two middle values for an even count. */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `value / baseline`, rounded to three decimals. */
export function ratio(value, baseline) {
  return round(value / baseline, 3);
}

/** Rounds to `digits` decimals (numbers only; anything else passes through). */
export function round(value, digits = 2) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Milliseconds since an arbitrary origin, sub-millisecond (the monotonic clock). */
export const now = () => performance.now();

/** A row of the printed table: which part, what was measured, the figure, its baseline, the ratio and the goal. */
export function row(part, metric, value, baseline = '', ratioValue = '', goal = '', verdict = '') {
  return { part, metric, value: String(value), baseline: String(baseline), ratio: String(ratioValue), goal, verdict };
}

/** `ok` or `MISSED` for a goal; blank when there is none. */
export function verdict(ok) {
  return ok === undefined ? '' : ok ? 'ok' : 'MISSED';
}

const COLUMNS = [
  ['part', 'part'],
  ['metric', 'metric'],
  ['value', 'shim'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['goal', 'goal'],
  ['verdict', ''],
];

/** Formats rows as a Markdown table (readable in a terminal, pasteable into the README). */
export function formatTable(rows) {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(COLUMNS.map(([, title]) => title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(COLUMNS.map(([key]) => r[key])))].join('\n');
}
