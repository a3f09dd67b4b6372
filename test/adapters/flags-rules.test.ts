import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rulesFlag, type FlagRule } from '../../adapters/env.js';
import type { RouteFlagContext } from '../../src/index.js';
import { ValidationError } from '../../src/index.js';

const GROUP_A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const GROUP_B = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const GROUP_C = '0123456789abcdef01234567';
const call = (extra: Partial<RouteFlagContext> = {}): RouteFlagContext => ({ groupId: GROUP_A, clusterName: 'Cluster0', ...extra });

const dir = mkdtempSync(join(tmpdir(), 'flag-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function fileWith(text: string): string {
  files += 1;
  const path = join(dir, `rules-${files}.json`);
  writeFileSync(path, text);
  return path;
}

function thrown(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

describe('rulesFlag: matching', () => {
  it('answers the first matching rule, in order', () => {
    const source = rulesFlag([
      { route: 'tenant', clusterName: 'Cluster0' },
      { route: 'flex', groupId: GROUP_A },
      { route: 'flex' },
    ]);
    expect(source(call())).toBe('tenant');
    expect(source(call({ clusterName: 'Other' }))).toBe('flex');
  });

  it("answers 'auto' when no rule matches, and for no rules", () => {
    const source = rulesFlag([{ route: 'flex', groupId: GROUP_B }]);
    expect(source(call())).toBe('auto');
    expect(rulesFlag([])(call())).toBe('auto');
  });

  it('requires every named field to match', () => {
    const source = rulesFlag([{ route: 'flex', environment: 'production', groupId: GROUP_A, clusterName: 'Cluster0' }]);
    expect(source(call({ environment: 'production' }))).toBe('flex');
    expect(source(call({ environment: 'staging' }))).toBe('auto');
    expect(source(call({ environment: 'production', groupId: GROUP_B }))).toBe('auto');
    expect(source(call({ environment: 'production', clusterName: 'Cluster1' }))).toBe('auto');
  });

  it('matches any of a list', () => {
    const source = rulesFlag([
      { route: 'flex', environment: ['production', 'staging-eu'], groupId: [GROUP_A, GROUP_B] },
      { route: 'tenant', clusterName: ['Cluster1', 'Legacy-2'] },
    ]);
    expect(source(call({ environment: 'staging-eu', groupId: GROUP_B }))).toBe('flex');
    expect(source(call({ environment: 'production' }))).toBe('flex');
    expect(source(call({ environment: 'production', groupId: GROUP_C }))).toBe('auto');
    expect(source(call({ clusterName: 'Legacy-2' }))).toBe('tenant');
  });

  it('does not match an environment rule when the call has no environment, and compares it exactly', () => {
    const source = rulesFlag([{ route: 'flex', environment: 'production' }]);
    expect(source(call())).toBe('auto');
    expect(source(call({ environment: 'Production' }))).toBe('auto');
  });
});

describe('rulesFlag: appVersion ranges', () => {
  it('matches a version that satisfies the range', () => {
    const source = rulesFlag([{ route: 'flex', appVersion: '>=2.0.0 <3' }, { route: 'tenant', appVersion: '^1.4' }]);
    expect(source(call({ appVersion: '2.5.1' }))).toBe('flex');
    expect(source(call({ appVersion: '1.4.9' }))).toBe('tenant');
    expect(source(call({ appVersion: '1.3.0' }))).toBe('auto');
    expect(source(call({ appVersion: '3.0.0' }))).toBe('auto');
  });

  it('includes prereleases', () => {
    const source = rulesFlag([{ route: 'flex', appVersion: '>=2.0.0' }]);
    expect(source(call({ appVersion: '2.1.0-beta.1' }))).toBe('flex');
    expect(source(call({ appVersion: '3.0.0-rc.2' }))).toBe('flex');
    // A prerelease of 2.0.0 comes before 2.0.0 itself.
    expect(source(call({ appVersion: '2.0.0-rc.1' }))).toBe('auto');
  });

  it('never matches a call without an appVersion, or with one that is not a version', () => {
    const source = rulesFlag([{ route: 'flex', appVersion: '*' }, { route: 'tenant' }]);
    expect(source(call({ appVersion: '1.0.0' }))).toBe('flex');
    expect(source(call())).toBe('tenant');
    expect(source(call({ appVersion: 'nightly' }))).toBe('tenant');
  });
});

describe('rulesFlag: compiled once', () => {
  it('is not affected by later changes to the array', () => {
    const rules: FlagRule[] = [{ route: 'flex', groupId: GROUP_A }];
    const source = rulesFlag(rules);
    rules.unshift({ route: 'tenant' });
    (rules[1] as { route: string }).route = 'tenant';
    expect(source(call())).toBe('flex');
  });
});

describe('rulesFlag: a JSON file', () => {
  it('reads the rules from a file path', () => {
    const path = fileWith(JSON.stringify([{ route: 'tenant', environment: 'staging' }, { route: 'flex', appVersion: '>=2' }]));
    const source = rulesFlag(path);
    expect(source(call({ environment: 'staging', appVersion: '2.0.0' }))).toBe('tenant');
    expect(source(call({ environment: 'production', appVersion: '2.0.0' }))).toBe('flex');
    expect(source(call({ environment: 'production' }))).toBe('auto');
  });

  it('reads the file once, at creation', () => {
    const path = fileWith(JSON.stringify([{ route: 'flex' }]));
    const source = rulesFlag(path);
    writeFileSync(path, JSON.stringify([{ route: 'tenant' }]));
    expect(source(call())).toBe('flex');
    rmSync(path);
    expect(source(call())).toBe('flex');
  });

  it('refuses a missing file, naming the path', () => {
    const path = join(dir, 'missing.json');
    const error = thrown(() => rulesFlag(path));
    expect(error.field).toBe(`rules file ${path}`);
    expect(error.received).toMatch(/no such file/);
    expect(error.message).toContain(path);
  });

  it('refuses a directory', () => {
    const error = thrown(() => rulesFlag(dir));
    expect(error.field).toBe(`rules file ${dir}`);
    expect(error.received).toMatch(/directory/);
  });

  it('refuses a file that is not JSON, naming the path', () => {
    const path = fileWith('[{ route: "flex" }]');
    const error = thrown(() => rulesFlag(path));
    expect(error.field).toBe(`rules file ${path}`);
    expect(error.received).toMatch(/^invalid JSON/);
    expect(error.allowed).toMatch(/JSON file holding an array/);
  });

  it('refuses JSON that is not an array, and a bad rule, saying which file', () => {
    const notArray = fileWith('{"rules": []}');
    const error = thrown(() => rulesFlag(notArray));
    expect(error.field).toBe('rules');
    expect(error.received).toBe(`an object (in ${notArray})`);
    const badRule = fileWith(JSON.stringify([{ route: 'flex' }, { route: 'flex', appVersion: 'two' }]));
    const second = thrown(() => rulesFlag(badRule));
    expect(second.field).toBe('rules[1].appVersion');
    expect(second.received).toBe(`"two" (in ${badRule})`);
  });

  it('refuses an empty path', () => {
    expect(thrown(() => rulesFlag('  ')).field).toBe('rules');
  });
});

describe('rulesFlag: bad rules', () => {
  const ok = { route: 'flex' } as const;
  it.each([
    ['not an array', { route: 'flex' }, 'rules', /array of rules/],
    ['a number', 42, 'rules', /array of rules/],
    ['a rule that is not an object', [ok, 'flex'], 'rules[1]', /an object \{ route, environment\?/],
    ['null rule', [null], 'rules[0]', /an object/],
    ['missing route', [ok, ok, { groupId: GROUP_A }], 'rules[2].route', /'auto', 'tenant' or 'flex'/],
    ['unknown route', [{ route: 'legacy' }], 'rules[0].route', /'auto', 'tenant' or 'flex'/],
    ['upper-case route', [{ route: 'FLEX' }], 'rules[0].route', /'auto', 'tenant' or 'flex'/],
    ['unknown field', [ok, { route: 'flex', cluster: 'Cluster0' }], 'rules[1].cluster', /one of the rule fields: route, environment, groupId, clusterName, appVersion/],
    ['bad groupId', [{ route: 'flex', groupId: 'AAAAAAAAAAAAAAAAAAAAAAAA' }], 'rules[0].groupId', /24 lowercase hexadecimal.*or a non-empty array of them/],
    ['bad groupId in a list', [{ route: 'flex', groupId: [GROUP_A, 'abc'] }], 'rules[0].groupId[1]', /^24 lowercase hexadecimal characters \(pattern \^\[a-f0-9\]\{24\}\$\)$/],
    ['empty groupId list', [{ route: 'flex', groupId: [] }], 'rules[0].groupId', /or a non-empty array of them/],
    ['groupId of another type', [{ route: 'flex', groupId: 7 }], 'rules[0].groupId', /24 lowercase hexadecimal/],
    ['bad clusterName', [{ route: 'tenant', clusterName: '-leading-hyphen' }], 'rules[0].clusterName', /letters, digits or hyphens/],
    ['too long clusterName', [{ route: 'tenant', clusterName: `c${'x'.repeat(64)}` }], 'rules[0].clusterName', /1 to 64/],
    ['bad clusterName in a list', [{ route: 'tenant', clusterName: ['Cluster0', 'bad_name'] }], 'rules[0].clusterName[1]', /letters, digits or hyphens/],
    ['empty environment', [{ route: 'flex', environment: '' }], 'rules[0].environment', /non-empty string/],
    ['bad environment in a list', [{ route: 'flex', environment: ['production', 3] }], 'rules[0].environment[1]', /non-empty string/],
    ['bad appVersion range', [ok, ok, { route: 'flex', appVersion: '>=banana' }], 'rules[2].appVersion', /semver range/],
    ['empty appVersion range', [{ route: 'flex', appVersion: ' ' }], 'rules[0].appVersion', /semver range/],
    ['appVersion list', [{ route: 'flex', appVersion: ['1.x'] }], 'rules[0].appVersion', /semver range/],
  ])('%s', (_name, rules, field, allowed) => {
    const error = thrown(() => rulesFlag(rules as never));
    expect(error.field).toBe(field);
    expect(error.allowed).toMatch(allowed);
  });

  it('says what it received', () => {
    expect(thrown(() => rulesFlag([{ route: 'flex', groupId: [GROUP_A, 'abc'] }])).received).toBe('"abc"');
    expect(thrown(() => rulesFlag([{ route: 'sideways' } as never])).received).toBe('"sideways"');
    expect(thrown(() => rulesFlag([{ route: 'flex', extra: true } as never])).received).toBe('an unknown field');
    expect(thrown(() => rulesFlag([{ clusterName: 'x' } as never])).received).toBe('undefined');
  });
});
