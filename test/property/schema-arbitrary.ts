import fc from 'fast-check';
import type { Json } from '../contract/contract.js';
import { contractRegExp } from './contract-rules.js';

/** How {@link schemaArbitrary} fills in what the schema leaves open. */
export interface SchemaArbitraryOptions {
  /**
   * Add members the schema does not declare to every object, as Atlas may add fields any
   * day (and as a hostile body would: `__proto__`, `constructor`). Default `true`.
   */
  readonly extraMembers?: boolean;
  /**
   * Values to mix into a plain string member, by member name: the documented values of a
   * field the contract declares as a plain string, and undocumented ones (`CLOSED`).
   */
  readonly stringSamples?: Readonly<Record<string, readonly string[]>>;
  /** From this nesting depth on, optional members and array items are left out, so deep schemas stay small. Default 3. */
  readonly maxDepth?: number;
}

// Member names a hostile or future body may carry: prototype keys, and plausible new Atlas fields.
const EXTRA_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'newAtlasField', 'snapshotUrlV2', 'status '];
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/**
 * RFC 3339 date-times as JSON Schema's `date-time` format accepts them: `T` or `t` (or a
 * space) between date and time, `Z`, `z` or a numeric offset with or without a colon, no
 * fraction or one of 1 to 9 digits, years 0001 to 9999, and now and then a leap second.
 */
export function dateTimeArbitrary(): fc.Arbitrary<string> {
  const instant = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true });
  const offsetMinutes = fc.constantFrom(0, 0, 0, 330, -480, 60, -60, 14 * 60 - 1, -(12 * 60), 45);
  const plain = fc
    .record({
      instant,
      offsetMinutes,
      separator: fc.constantFrom('T', 'T', 't', ' '),
      zero: fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+0000'),
      colon: fc.boolean(),
      fraction: fc.constantFrom(0, 1, 3, 3, 6, 9),
    })
    .map(({ instant: at, offsetMinutes: offset, separator, zero, colon, fraction }) => {
      const local = new Date(at.getTime() + offset * 60_000).toISOString();
      const day = local.slice(0, 10);
      const time = local.slice(11, 19);
      const digits = `${local.slice(20, 23)}456789`.slice(0, fraction);
      const sign = offset < 0 ? '-' : '+';
      const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
      const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
      const zone = offset === 0 ? zero : `${sign}${hours}${colon ? ':' : ''}${minutes}`;
      return `${day}${separator}${time}${fraction > 0 ? `.${digits}` : ''}${zone}`;
    });
  const leapSecond = fc.constantFrom('2016-12-31T23:59:60Z', '1998-12-31T23:59:60.5Z', '2016-12-31t23:59:60z');
  return fc.oneof({ arbitrary: plain, weight: 20 }, { arbitrary: leapSecond, weight: 1 });
}

function resolve(document: Json, schema: Json): Json {
  const ref = schema.$ref as string | undefined;
  if (ref === undefined) return schema;
  const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : (document.components.schemas as Json)[name];
  if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return target as Json;
}

function codePoints(value: string): number {
  return [...value].length;
}

/**
 * An arbitrary of values that `schema` (an OpenAPI 3.0 schema of the contract) allows, for
 * the keywords the contract uses: `$ref`, `type`, `properties`, `required`,
 * `additionalProperties`, `items`, `pattern`, `minLength`/`maxLength`, `format`
 * (`date-time`, `int32`, `double`), `minimum`/`maximum`, `maxItems`. Anything else fails
 * loudly, so a contract that grows a keyword is noticed instead of silently ignored.
 */
export function schemaValueArbitrary(document: Json, schema: Json, options: SchemaArbitraryOptions = {}, depth = 0, name = ''): fc.Arbitrary<unknown> {
  const resolved = resolve(document, schema);
  const maxDepth = options.maxDepth ?? 3;
  const known = new Set([
    'type', 'properties', 'required', 'additionalProperties', 'items', 'pattern', 'minLength', 'maxLength', 'format', 'minimum', 'maximum',
    'maxItems', 'description', 'example', 'externalDocs', 'readOnly', 'writeOnly', 'title', 'default', 'deprecated',
  ]);
  const unknownKeywords = Object.keys(resolved).filter((key) => !known.has(key) && !key.startsWith('x-'));
  if (unknownKeywords.length > 0) throw new Error(`schema of ${name || '(root)'} uses keywords this generator does not know: ${unknownKeywords.join(', ')}`);

  const type = resolved.type ?? (resolved.properties !== undefined || resolved.additionalProperties !== undefined ? 'object' : undefined);
  switch (type) {
    case 'object':
      return objectArbitrary(document, resolved, options, depth, maxDepth);
    case 'array': {
      const items = resolved.items === undefined || Object.keys(resolved.items as Json).length === 0
        ? fc.jsonValue({ maxDepth: 2 })
        : schemaValueArbitrary(document, resolved.items as Json, options, depth + 1, `${name}[]`);
      const maxLength = depth >= maxDepth ? 0 : Math.min(typeof resolved.maxItems === 'number' ? resolved.maxItems : 3, 3);
      return fc.array(items, { maxLength });
    }
    case 'string':
      return stringArbitrary(resolved, options, name);
    case 'integer': {
      const bounds = resolved.format === 'int32' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
      return fc.integer({
        min: typeof resolved.minimum === 'number' ? Math.max(resolved.minimum, bounds.min) : bounds.min,
        max: typeof resolved.maximum === 'number' ? Math.min(resolved.maximum, bounds.max) : bounds.max,
      });
    }
    case 'number':
      // JSON has no NaN or Infinity: a body can only carry finite numbers.
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        ...(typeof resolved.minimum === 'number' ? { min: resolved.minimum } : {}),
        ...(typeof resolved.maximum === 'number' ? { max: resolved.maximum } : {}),
      });
    case 'boolean':
      return fc.boolean();
    case undefined:
      return fc.jsonValue({ maxDepth: 2 });
    default:
      throw new Error(`schema of ${name} has type ${String(type)}, which this generator does not know`);
  }
}

function stringArbitrary(schema: Json, options: SchemaArbitraryOptions, name: string): fc.Arbitrary<string> {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  const withinLength = (value: string): boolean => codePoints(value) >= min && codePoints(value) <= max;
  if (typeof schema.pattern === 'string') return fc.stringMatching(contractRegExp(schema.pattern)).filter(withinLength);
  if (schema.format === 'date-time') return dateTimeArbitrary();
  const samples = options.stringSamples?.[name] ?? [];
  const free = fc.string({ unit: 'grapheme', maxLength: Number.isFinite(max) ? max : 40 }).filter(withinLength);
  return samples.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...samples), weight: 3 }, { arbitrary: free, weight: 1 }) : free;
}

function objectArbitrary(document: Json, schema: Json, options: SchemaArbitraryOptions, depth: number, maxDepth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Json;
  const required = new Set((schema.required ?? []) as string[]);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, propertySchema] of Object.entries(properties)) {
    // Past the depth limit only what the schema requires is built, which keeps recursion finite.
    if (depth >= maxDepth && !required.has(key)) continue;
    model[key] = schemaValueArbitrary(document, propertySchema as Json, options, depth + 1, key);
  }
  const declared = fc.record(model, { requiredKeys: [...required].filter((key) => key in model) });
  const mapSchema = schema.additionalProperties;
  const additional =
    typeof mapSchema === 'object' && mapSchema !== null && depth < maxDepth
      ? fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((key) => !(key in properties)), schemaValueArbitrary(document, mapSchema as Json, options, depth + 1), { maxKeys: 2 })
      : fc.constant({});
  const extraKey = fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ minLength: 1, maxLength: 12 })).filter((key) => !(key in properties));
  // A map schema (additionalProperties) says what undeclared members hold: free ones would break it.
  const extras =
    options.extraMembers === false || mapSchema !== undefined
      ? fc.constant<Array<[string, unknown]>>([])
      : fc.uniqueArray(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3, selector: ([key]) => key });
  return fc.tuple(declared, additional, extras).map(([known, more, unknown]) => {
    const body: Record<string, unknown> = {};
    // defineProperty, as JSON.parse does: a "__proto__" member is data, not a prototype.
    for (const [key, value] of [...Object.entries(known), ...Object.entries(more), ...unknown]) {
      Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return body;
  });
}

/** Bodies of the contract's component schema `schemaName`: valid by it, with extra members and open strings as configured. */
export function schemaArbitrary(document: Json, schemaName: string, options: SchemaArbitraryOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const schema = (document.components.schemas as Json)[schemaName] as Json | undefined;
  if (schema === undefined) throw new Error(`the contract has no schema ${schemaName}`);
  return schemaValueArbitrary(document, schema, options, 0, schemaName) as fc.Arbitrary<Record<string, unknown>>;
}
