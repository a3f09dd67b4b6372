import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The official contract is read from ../shared, never copied into the project.
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The directory holding the contract: `../shared/atlas-openapi` from the project root, or
 * the directory `ATLAS_CONTRACT_DIR` names (to run the suites against another copy, or to
 * check what happens when the contract is missing).
 */
const CONTRACT_DIR = process.env.ATLAS_CONTRACT_DIR
  ? path.resolve(process.env.ATLAS_CONTRACT_DIR)
  : path.resolve(PROJECT_ROOT, '../shared/atlas-openapi');

/** The contract of the 12 operations the library touches: the default of every function here. */
export const SNAPSHOT_DOWNLOAD_CONTRACT = 'snapshot-download.yaml';
/** The same spec cut to `listClusters` and `listFlexClusters`. */
export const CLUSTER_LISTS_CONTRACT = 'cluster-lists.yaml';
/** One of the contract files of the contract directory. */
export type ContractFile = typeof SNAPSHOT_DOWNLOAD_CONTRACT | typeof CLUSTER_LISTS_CONTRACT;

/** Where a contract file is read from (`../shared/atlas-openapi`, or `ATLAS_CONTRACT_DIR`). */
export const contractPath = (file: ContractFile): string => path.join(CONTRACT_DIR, file);
/** CI sets CI=true: there a missing contract is an error of the set-up, not a reason to skip. */
const UNDER_CI = process.env.CI === 'true';

export type Json = Record<string, any>;

/** What the contract says about one operation. */
export interface ContractOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly mediaType: string;
  readonly responseSchema: string;
  readonly requestSchema?: string;
  readonly requestMediaType?: string;
  /** Error statuses the contract lists for it. */
  readonly errorStatuses: readonly number[];
}

// OpenAPI 3.0 keywords with no JSON Schema meaning (or with a different one).
const DROPPED = new Set(['example', 'examples', 'externalDocs', 'readOnly', 'writeOnly', 'xml', 'discriminator']);

/**
 * OpenAPI 3.0 schema → JSON Schema: drops annotations ajv would misread, keeps `$ref`s (they
 * resolve inside the document registered under an `$id`). `closed` adds
 * `additionalProperties: false` to objects, to catch fields the contract does not declare.
 */
function toJsonSchema(node: unknown, closed: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, closed));
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || DROPPED.has(key)) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([name, schema]) => [name, toJsonSchema(schema, closed)]));
    } else if (['items', 'additionalProperties', 'not'].includes(key) && typeof value === 'object') {
      out[key] = toJsonSchema(value, closed);
    } else {
      out[key] = value;
    }
  }
  if (closed && out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function refName(ref: string | undefined): string {
  const name = /^#\/components\/schemas\/(.+)$/.exec(ref ?? '')?.[1];
  if (name === undefined) throw new Error(`unexpected $ref ${ref}`);
  return name;
}

function contractOperations(contract: Json): ContractOperation[] {
  const operations: ContractOperation[] = [];
  for (const [pathTemplate, item] of Object.entries(contract.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const [mediaType, content] = Object.entries(op.responses['200'].content as Json)[0] as [string, Json];
      const request = op.requestBody ? (Object.entries(op.requestBody.content as Json)[0] as [string, Json]) : undefined;
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase() as 'GET' | 'POST',
        path: pathTemplate,
        mediaType,
        responseSchema: refName(content.schema.$ref),
        ...(request ? { requestMediaType: request[0], requestSchema: refName(request[1].schema.$ref) } : {}),
        errorStatuses: Object.keys(op.responses).filter((s) => s !== '200').map(Number),
      });
    }
  }
  return operations;
}


/** A compiled schema of the contract: `open` as written, `closed` refusing undeclared fields. */
export interface ContractValidators {
  readonly open: ValidateFunction;
  readonly closed: ValidateFunction;
}

/** The parsed contract, its operations by operationId, and a validator pair per component schema. */
export interface LoadedContract {
  readonly document: Json;
  readonly operations: Map<string, ContractOperation>;
  readonly schemas: Map<string, ContractValidators>;
}

/** Reads and compiles a contract, `snapshot-download.yaml` unless `file` names the other (call only inside a {@link contractSuite} of that file). */
export function loadContract(file: ContractFile = SNAPSHOT_DOWNLOAD_CONTRACT): LoadedContract {
  const document = parse(readFileSync(contractPath(file), 'utf8')) as Json;
  const operations = new Map(contractOperations(document).map((o) => [o.operationId, o]));
  const schemas = new Map<string, ContractValidators>();
  const addFormats = addFormatsModule.default;
  for (const closed of [false, true]) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const id = `https://atlas-snapshot-shim.test/${file}-${closed ? 'closed' : 'open'}.json`;
    // Each schema converted on its own: the `schemas` map itself is not an object schema to close.
    const converted = Object.fromEntries(Object.entries(document.components.schemas as Json).map(([name, schema]) => [name, toJsonSchema(schema, closed)]));
    ajv.addSchema({ $id: id, components: { schemas: converted } });
    for (const name of Object.keys(document.components.schemas)) {
      const validate = ajv.getSchema(`${id}#/components/schemas/${name}`);
      if (validate === undefined) throw new Error(`cannot compile ${name}`);
      schemas.set(name, { ...(schemas.get(name) ?? { open: validate, closed: validate }), [closed ? 'closed' : 'open']: validate });
    }
  }
  return { document, operations, schemas };
}

const absenceReported = new Set<ContractFile>();

/**
 * `describe` for a suite that needs a contract (`snapshot-download.yaml` unless `file` names
 * the other); every such suite is declared through it.
 *
 * - Contract present: the suite runs, titled `<what> (against <file>)`.
 * - Absent under CI (`CI=true`): the suite is replaced by one failing test saying what is
 *   missing and where it was looked for, so the run fails instead of passing without it.
 * - Absent elsewhere: the suite is skipped, its title saying why, and the reason is printed
 *   once per file (console.warn), so a local run says what it did not check.
 */
export function contractSuite(what: string, body: () => void, file: ContractFile = SNAPSHOT_DOWNLOAD_CONTRACT): void {
  if (existsSync(contractPath(file))) {
    describe(`${what} (against ${file})`, body);
    return;
  }
  const absent = `contract absent: ${contractPath(file)} does not exist (../shared/atlas-openapi, or ATLAS_CONTRACT_DIR)`;
  if (UNDER_CI) {
    describe(`${what} (against ${file})`, () => {
      it('has the contract to check against (CI=true: a missing contract fails the run)', () => {
        expect.fail(`${absent}; under CI the contract tests of ${what} must run, not be skipped.`);
      });
    });
    return;
  }
  if (!absenceReported.has(file)) {
    absenceReported.add(file);
    console.warn(`${absent}: the contract tests are skipped (they would fail under CI=true).`);
  }
  describe.skip(`${absent}, so the contract tests of ${what} were skipped`, body);
}
