import type { Json, LoadedContract } from '../contract/contract.js';

/** What the contract allows for one input: a string pattern (with length bounds) or an integer range. */
export type ContractRule =
  | { readonly kind: 'string'; readonly pattern: string; readonly minLength?: number; readonly maxLength?: number }
  | { readonly kind: 'integer'; readonly minimum?: number; readonly maximum?: number }
  | { readonly kind: 'boolean' };

/** Where a rule came from, for test names and failure messages. */
export interface SourcedRule {
  /** `path groupId`, `query itemsPerPage`, `body TenantRestore.targetDeploymentItemName`. */
  readonly where: string;
  /** The operations (or the schema) that declare it. */
  readonly declaredBy: readonly string[];
  readonly rule: ContractRule;
}

function ruleOf(schema: Json, where: string): ContractRule {
  if (schema.type === 'string' && typeof schema.pattern === 'string') {
    return {
      kind: 'string',
      pattern: schema.pattern,
      ...(typeof schema.minLength === 'number' ? { minLength: schema.minLength } : {}),
      ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
    };
  }
  if (schema.type === 'integer') {
    return {
      kind: 'integer',
      ...(typeof schema.minimum === 'number' ? { minimum: schema.minimum } : {}),
      ...(typeof schema.maximum === 'number' ? { maximum: schema.maximum } : {}),
    };
  }
  if (schema.type === 'boolean') return { kind: 'boolean' };
  throw new Error(`${where}: a parameter the callers pass that is neither a patterned string, an integer nor a boolean`);
}

function resolveParameter(document: Json, parameter: Json): Json {
  const ref = parameter.$ref as string | undefined;
  if (ref === undefined) return parameter;
  const name = /^#\/components\/parameters\/(.+)$/.exec(ref)?.[1];
  const resolved = name === undefined ? undefined : (document.components.parameters as Json)[name];
  if (resolved === undefined) throw new Error(`unresolvable parameter ${ref}`);
  return resolved as Json;
}

/**
 * Every path and query parameter of the contract's operations, by location and name, with
 * the rule its schema states. A name declared twice with different rules fails: the
 * validators have one rule per name, so the contract must too.
 */
export function parameterRules(contract: LoadedContract): Map<string, SourcedRule> {
  const rules = new Map<string, SourcedRule>();
  for (const item of Object.values(contract.document.paths as Json)) {
    for (const operation of Object.values(item as Json)) {
      for (const raw of ((operation as Json).parameters ?? []) as Json[]) {
        const parameter = resolveParameter(contract.document, raw);
        if (parameter.in !== 'path' && parameter.in !== 'query') continue;
        const where = `${parameter.in} ${parameter.name}`;
        const rule = ruleOf(parameter.schema as Json, where);
        const known = rules.get(where);
        if (known !== undefined && JSON.stringify(known.rule) !== JSON.stringify(rule)) {
          throw new Error(`${where} has two rules in the contract: ${JSON.stringify(known.rule)} and ${JSON.stringify(rule)}`);
        }
        const operationId = String((operation as Json).operationId);
        rules.set(where, { where, declaredBy: [...(known?.declaredBy ?? []), operationId], rule });
      }
    }
  }
  return rules;
}

/** The rule of one property of a component schema: `body <Schema>.<property>`. */
export function propertyRule(contract: LoadedContract, schemaName: string, property: string): SourcedRule {
  const schema = (contract.document.components.schemas as Json)[schemaName] as Json | undefined;
  const propertySchema = (schema?.properties as Json | undefined)?.[property] as Json | undefined;
  if (propertySchema === undefined) throw new Error(`the contract has no ${schemaName}.${property}`);
  const where = `body ${schemaName}.${property}`;
  return { where, declaredBy: [schemaName], rule: ruleOf(propertySchema, where) };
}

/**
 * The contract's pattern as JSON Schema means it: an ECMA-262 regular expression with the
 * `u` flag (as ajv compiles it), so `\p{L}` is a Unicode property and `{1,64}` counts code points.
 */
export function contractRegExp(pattern: string): RegExp {
  return new RegExp(pattern, 'u');
}

/** The contract's answer for a candidate value: does the rule accept it? */
export function contractAccepts(rule: ContractRule, value: unknown, extra: { maxLength?: number } = {}): boolean {
  switch (rule.kind) {
    case 'string': {
      if (typeof value !== 'string' || !contractRegExp(rule.pattern).test(value)) return false;
      // JSON Schema lengths count code points, like the `u` flag.
      const length = [...value].length;
      const max = Math.min(rule.maxLength ?? Infinity, extra.maxLength ?? Infinity);
      return length >= (rule.minLength ?? 0) && length <= max;
    }
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= (rule.minimum ?? -Infinity) && value <= (rule.maximum ?? Infinity);
    case 'boolean':
      return typeof value === 'boolean';
  }
}
