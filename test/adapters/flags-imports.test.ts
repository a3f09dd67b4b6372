import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SDK = '@openfeature/server-sdk';

/** Every statement of `source` that loads `specifier`: static imports and re-exports, dynamic imports, require. */
function loadsOf(source: string, specifier: string): string[] {
  const quoted = `['"]${specifier.replace(/[/.]/g, '\\$&')}['"]`;
  const statements = new RegExp(`(?:^|;|\\n)\\s*((?:import|export)\\b[^;]*?\\bfrom\\s*${quoted}|import\\s*${quoted})`, 'g');
  const calls = new RegExp(`(?:\\bimport|\\brequire)\\s*\\(\\s*${quoted}\\s*\\)`, 'g');
  return [...[...source.matchAll(statements)].map((match) => (match[1] as string).trim()), ...[...source.matchAll(calls)].map((match) => match[0])];
}

/** The loads of the SDK that would run at run time: anything but `import type` / `export type`. */
function valueLoadsOfSdk(source: string): string[] {
  return loadsOf(source, SDK).filter((statement) => !/^(?:import|export)\s+type\b/.test(statement));
}

/** The adapter and every module it reaches through relative imports. */
function moduleGraph(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    files.set(file, source);
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      queue.push(join(dirname(file), (match[1] as string).replace(/\.js$/, '.ts')));
    }
  }
  return files;
}

describe('the optional OpenFeature peer is never needed at run time', () => {
  it('the detector sees value imports and lets type imports pass', () => {
    expect(valueLoadsOfSdk(`import { OpenFeature } from '${SDK}';`)).toHaveLength(1);
    expect(valueLoadsOfSdk(`import { type Client } from "${SDK}";`)).toHaveLength(1);
    expect(valueLoadsOfSdk(`import '${SDK}';`)).toHaveLength(1);
    expect(valueLoadsOfSdk(`export { OpenFeature } from '${SDK}';`)).toHaveLength(1);
    expect(valueLoadsOfSdk(`const sdk = await import('${SDK}');`)).toHaveLength(1);
    expect(valueLoadsOfSdk(`const sdk = require('${SDK}');`)).toHaveLength(1);
    expect(valueLoadsOfSdk(`import type {\n  Client,\n  EvaluationContext,\n} from '${SDK}';`)).toHaveLength(0);
    expect(valueLoadsOfSdk(`import type { Client } from '@openfeature/server-sdk-extra';`)).toHaveLength(0);
  });

  it('adapters/openfeature.ts imports the SDK as types only', () => {
    const source = readFileSync(join(root, 'adapters/openfeature.ts'), 'utf8');
    expect(loadsOf(source, SDK).length).toBeGreaterThan(0);
    expect(valueLoadsOfSdk(source)).toEqual([]);
  });

  it.each(['adapters/env.ts', 'adapters/openfeature.ts', 'src/index.ts'])('nothing %s reaches loads the SDK as a value', (entry) => {
    const graph = moduleGraph(entry);
    expect(graph.size).toBeGreaterThan(entry === 'adapters/openfeature.ts' ? 4 : 2);
    const offenders = [...graph].flatMap(([file, source]) => valueLoadsOfSdk(source).map((statement) => `${file}: ${statement}`));
    expect(offenders).toEqual([]);
  });
});
