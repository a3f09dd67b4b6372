/**
 * Helpers of the pack test: run a command, and lay out a scratch project that installs the
 * packed tarball with no network.
 *
 * `npm install --offline <tarball>` cannot work on a fresh machine: npm must read each
 * dependency's registry metadata to resolve it, and `npm ci` (the only install such a
 * machine has done) caches tarballs, not metadata. So the scratch project gets a lockfile
 * instead, made from this repository's own: the tarball as a `file:` dependency, and the
 * entries of its dependencies' closure copied as they are. `npm ci --offline` then finds
 * every tarball in the npm cache by its integrity, exactly as `npm ci` put it there, and
 * installs the very versions the suite ran against.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for child commands: this process's, less what `npm test` exports about the
 * repository (its prefix, its package.json, the running script), which would otherwise make
 * an npm run inside the scratch project act on the repository.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_package_') || lower.startsWith('npm_lifecycle_')) continue;
    if (['npm_config_local_prefix', 'npm_config_prefix', 'npm_command', 'init_cwd', 'node_env'].includes(lower)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command (no shell); rejects with its whole output when it exits non-zero. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = childEnv()): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 170_000 }, (error, stdout, stderr) => {
      if (error) {
        const exit = error.code ?? error.signal;
        reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed (${String(exit)})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** The lock key Node would resolve `name` to from the package at `location` ('' is the root). */
function resolveInLock(lock: Lockfile, location: string, name: string): string | undefined {
  let dir = location;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

/** Copies into `into` the lock entries of `names` as seen from `location`, and of all they need. */
function addClosure(lock: Lockfile, location: string, names: readonly string[], into: Record<string, LockEntry>): void {
  for (const name of names) {
    const key = resolveInLock(lock, location, name);
    if (key === undefined) throw new Error(`${name} (needed from "${location || 'the root'}") is not in package-lock.json: run npm install`);
    if (into[key] !== undefined) continue;
    // Dev, peer and optional marks describe the repository's tree, not the scratch project's.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, optional: _optional, ...entry } = lock.packages[key]!;
    into[key] = entry;
    const requiredPeers = Object.keys(entry.peerDependencies ?? {}).filter((peer) => entry.peerDependenciesMeta?.[peer]?.optional !== true);
    addClosure(lock, key, [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...requiredPeers], into);
  }
}

export interface ScratchProjectOptions {
  /** The repository root, whose package-lock.json gives the versions. */
  readonly repo: string;
  /** The packed tarball. */
  readonly tarball: string;
  /** The scratch project's folder (it must exist). */
  readonly dir: string;
  /** More packages the scratch project depends on, at the repository's locked versions. */
  readonly extraDependencies?: readonly string[];
  /** Its dev dependencies, likewise (e.g. `@types/node` for the TypeScript checks). */
  readonly devDependencies?: readonly string[];
  /**
   * Packages the scratch project already depends on at another version than the
   * repository's, each taken from an `npm:` alias in the repository's lockfile:
   * `{ undici: 'undici-floor' }` makes it depend on `undici` `^<the alias's version>`,
   * installed at that version, the way a consumer with an older minor has it.
   */
  readonly preinstalled?: Readonly<Record<string, string>>;
}

/** Writes the scratch project's package.json and package-lock.json; `npm ci --offline` installs it. */
export async function writeScratchProject(options: ScratchProjectOptions): Promise<void> {
  const { repo, tarball, dir } = options;
  const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as Lockfile;
  const shim = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as Required<Pick<LockEntry, 'version'>> &
    LockEntry & { name: string; bin?: unknown; engines?: unknown; license?: string };
  const packages: Record<string, LockEntry> = {};
  const preinstalled: Record<string, string> = {};
  for (const [name, alias] of Object.entries(options.preinstalled ?? {})) {
    const entry = lock.packages[`node_modules/${alias}`];
    if (entry?.version === undefined) throw new Error(`${alias} (the alias of ${name}) is not in package-lock.json: run npm install`);
    // Placed first, so the closure of the tarball's dependencies finds it and adds no other copy.
    const { name: _aliased, dev: _dev, devOptional: _devOptional, ...installed } = entry;
    packages[`node_modules/${name}`] = installed;
    preinstalled[name] = `^${entry.version}`;
  }
  addClosure(lock, '', Object.keys(shim.dependencies ?? {}), packages);
  const locked = (names: readonly string[]): Record<string, string> => {
    addClosure(lock, '', names, packages);
    return Object.fromEntries(names.map((name) => [name, lock.packages[`node_modules/${name}`]!.version!]));
  };
  const spec = `file:${tarball}`;
  const root = {
    name: 'atlas-snapshot-shim-scratch',
    version: '1.0.0',
    dependencies: { [shim.name]: spec, ...preinstalled, ...locked(options.extraDependencies ?? []) },
    devDependencies: locked(options.devDependencies ?? []),
  };
  packages[`node_modules/${shim.name}`] = {
    version: shim.version,
    resolved: spec,
    license: shim.license,
    dependencies: shim.dependencies,
    bin: shim.bin,
    engines: shim.engines,
    peerDependencies: shim.peerDependencies,
    peerDependenciesMeta: shim.peerDependenciesMeta,
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ ...root, private: true }, null, 2)}\n`);
  await writeFile(
    join(dir, 'package-lock.json'),
    `${JSON.stringify({ name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages: { '': root, ...packages } }, null, 2)}\n`,
  );
}
