/**
 * The README's fenced code blocks, each with the test directive written above it, so a
 * test can run every block and none can be added without one. Pure.
 *
 * A directive is an HTML comment on the last non-blank line before the fence (invisible
 * when the README is rendered):
 * - none, on a `ts`/`js` block: the block runs as a module (see readme.test.ts);
 * - `<!-- readme-test: covered-by <path> [<path> …] -->`: the block is run by those tests
 *   (the CLI, the install, the two commands of "Try it"); each path must exist.
 */

/** One fenced block of the README. */
export interface ReadmeBlock {
  /** The info string's language (`ts`, `js`, `sh`, or '' when none). */
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The heading the block sits under, to name it in test titles. */
  readonly heading: string;
  /** Test files that run this block instead of the README test, from its directive. */
  readonly coveredBy: readonly string[] | undefined;
}

const DIRECTIVE = /^<!--\s*readme-test:\s*covered-by\s+(.+?)\s*-->$/;

/** Splits the README into its fenced blocks. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const fence = /^(\s*)(```+)\s*([\w-]*)/.exec(line);
    if (fence === null) continue;
    const [, indent = '', ticks = '```', lang = ''] = fence;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).trimStart().startsWith(ticks); j++) body.push((lines[j] as string).slice(indent.length));
    let k = i - 1;
    while (k >= 0 && (lines[k] as string).trim() === '') k--;
    const directive = k >= 0 ? DIRECTIVE.exec((lines[k] as string).trim()) : null;
    blocks.push({ lang, code: body.join('\n'), line: i + 1, heading, coveredBy: directive?.[1]?.split(/\s+/) });
    i = j;
  }
  return blocks;
}

/** Whether the README test runs the block itself. */
export function isRunnable(block: ReadmeBlock): boolean {
  return block.coveredBy === undefined && ['ts', 'js', 'typescript', 'javascript'].includes(block.lang);
}
