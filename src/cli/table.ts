/** Plain-text tables and cells for the CLI's human output. */

/** What an absent value shows as. */
export const NONE = '-';

// C0 and C1 control characters (and DEL): a value from Atlas must not move the cursor or
// recolour the terminal, so each is shown escaped, as JSON writes it.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A value as one visible cell: `-` when absent, control characters escaped. Pure. */
export function cell(value: string | number | undefined): string {
  if (value === undefined || value === '') return NONE;
  return String(value).replace(CONTROL, (char) => JSON.stringify(char).slice(1, -1));
}

/** A date as a cell: ISO 8601 in UTC, without milliseconds when they are zero. Pure. */
export function dateCell(date: Date | undefined): string {
  return date === undefined ? NONE : date.toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * The lines of a table: a header row, then one row per entry, each column padded to its
 * widest cell, two spaces apart; the last column is not padded (so a long reason does not
 * widen every line). Cells are shown as {@link cell} shows them. Pure.
 */
export function tableLines(headers: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string[] {
  const cells = [headers.map((header) => header), ...rows.map((row) => headers.map((_header, index) => cell(row[index])))];
  const widths = headers.map((_header, index) => Math.max(...cells.map((row) => (row[index] as string).length)));
  return cells.map((row) =>
    row
      .map((text, index) => (index === row.length - 1 ? text : text.padEnd(widths[index] as number)))
      .join('  ')
      .trimEnd(),
  );
}
