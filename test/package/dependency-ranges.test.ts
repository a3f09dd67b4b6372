import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// A library's dependencies are ranges a consumer's npm can share one copy within: a caret on
// the version the suite runs on (the lockfile's), or on an older floor the suite also runs on
// (a `<name>-floor` dev dependency, an npm alias the pack test installs in a consumer and the
// suite was run on), so never an older minor than was tested and never another major. Dev
// dependencies are exact: the lockfile keeps CI exact either way.
const ROOT = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
const lockedVersion = (name: string): string | undefined => lock.packages[`node_modules/${name}`]?.version;

describe('package.json dependency ranges', () => {
  const dependencies = Object.entries(manifest.dependencies);
  const devDependencies = Object.entries(manifest.devDependencies);

  it('has dependencies and dev dependencies to check', () => {
    expect(dependencies.map(([name]) => name)).toEqual(expect.arrayContaining(['undici', 'zod', 'semver', 'date-fns']));
    expect(devDependencies.length).toBeGreaterThan(5);
  });

  it.each(dependencies)('%s: a caret range on the version the lockfile installs, or on its tested floor (%s)', (name, range) => {
    const locked = lockedVersion(name);
    expect(locked, `${name} is in package-lock.json`).toBeDefined();
    const floorAlias = manifest.devDependencies[`${name}-floor`];
    const floor = floorAlias === undefined ? locked : lockedVersion(`${name}-floor`);
    if (floorAlias !== undefined) {
      expect(floorAlias).toBe(`npm:${name}@${floor}`);
      expect(semver.lt(floor as string, locked as string), `${name}'s floor ${floor} is older than ${locked}`).toBe(true);
    }
    expect(range).toBe(`^${floor}`);
    expect(semver.satisfies(locked as string, range)).toBe(true);
    // The next major stays out.
    expect(semver.satisfies(`${semver.major(locked as string) + 1}.0.0`, range)).toBe(false);
  });

  it.each(devDependencies)('%s: an exact dev dependency, the version the lockfile installs', (name, version) => {
    const exact = version.replace(/^npm:(@?[^@]+)@/, '');
    expect(semver.valid(exact), `${name} ${version}`).toBe(exact);
    expect(lockedVersion(name)).toBe(exact);
  });
});
