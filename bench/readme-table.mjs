// The README's Performance table, rendered from bench/results.json, so the figures a
// reader sees are the ones the last full `npm run bench` wrote, never copied by hand.
//
//   node bench/readme-table.mjs            writes the table into README.md between the markers
//   node bench/readme-table.mjs --check    exits 1 (saying what differs) when README.md is stale
//
// Flags: --readme <file> and --results <file> read other files (the tests use copies).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { formatTable } from './stats.mjs';

export const START = '<!-- bench-table:start: written by `node bench/readme-table.mjs` from bench/results.json -->';
export const END = '<!-- bench-table:end -->';

// Of the entry point sizes, the README shows the two a user loads; results.json keeps them all.
const SHOWN_SIZES = new Set(['dist/index.js', 'dist/index.cjs', 'dist/cli.js']);

function shown(row) {
  if (row.part !== '5 size') return true;
  return SHOWN_SIZES.has(row.metric.split(' ')[0]);
}

/** The Markdown between the markers: when and where the run was, its table, and the goals it missed. */
export function renderPerformanceTable(report) {
  const { date, node, machine } = report;
  const load = machine?.loadAverage ? `, load ${machine.loadAverage.start[0]} → ${machine.loadAverage.end[0]}` : '';
  const rows = report.table.filter(shown);
  const missed = report.table.filter((row) => row.verdict === 'MISSED');
  const summary =
    missed.length === 0
      ? 'Every goal was met in this run.'
      : `Goals this run missed: ${missed.map((row) => `${row.metric.replace(/ \([^)]*\)$/, '')}, ${row.ratio}× (goal ${row.goal})`).join('; ')}.`;
  return [
    `Last full run: ${date.slice(0, 10)}, Node ${node}, ${machine.cores} cores${load} (\`${report.command}\`).`,
    '',
    formatTable(rows),
    '',
    summary,
  ].join('\n');
}

/** `readme` with the text between the markers replaced by `section`. */
export function replaceTable(readme, section) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no "${START}" … "${END}" markers`);
  return `${readme.slice(0, start + START.length)}\n${section}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flag = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fileURLToPath(new URL(fallback, import.meta.url));
  };
  const readmePath = flag('readme', '../README.md');
  const report = JSON.parse(await readFile(flag('results', './results.json'), 'utf8'));
  const readme = await readFile(readmePath, 'utf8');
  const updated = replaceTable(readme, renderPerformanceTable(report));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error(`${readmePath}: the Performance table is not the one bench/results.json gives; run \`node bench/readme-table.mjs\`.`);
      process.exitCode = 1;
    }
  } else if (updated !== readme) {
    await writeFile(readmePath, updated);
    console.log(`${readmePath}: Performance table written from the run of ${report.date}.`);
  }
}
