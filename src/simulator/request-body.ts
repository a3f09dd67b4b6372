import { SimulatorApiError, type FieldViolation } from './api-error.js';
import { SIMULATOR_ERROR_CODES as CODES } from './error-codes.js';

/** Parses a POST body: it must be a JSON object, else 400 `INVALID_JSON`. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new SimulatorApiError(400, CODES.invalidJson, 'Received JSON is malformed.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SimulatorApiError(400, CODES.invalidJson, 'Received JSON does not represent an object.');
  }
  return value as Record<string, unknown>;
}

/** One body attribute the contract constrains. */
export interface AttributeRule {
  readonly name: string;
  readonly required: boolean;
  readonly pattern: RegExp;
  /** The pattern as the contract writes it, for the error detail. */
  readonly patternText: string;
}

/**
 * Checks body attributes against the contract. All violations are listed in
 * `badRequestDetail.fields`; the code is `MISSING_ATTRIBUTE` when any required one is absent,
 * `INVALID_ATTRIBUTE` otherwise, and the detail names the first.
 */
export function validateAttributes(body: Record<string, unknown>, rules: readonly AttributeRule[]): void {
  const missing: FieldViolation[] = [];
  const invalid: FieldViolation[] = [];
  for (const rule of rules) {
    const value = body[rule.name];
    if (value === undefined || value === null) {
      if (rule.required) missing.push({ field: rule.name, description: `The required attribute ${rule.name} was not specified.` });
    } else if (typeof value !== 'string' || !rule.pattern.test(value)) {
      invalid.push({ field: rule.name, description: `The attribute ${rule.name} must be a string matching ${rule.patternText}.` });
    }
  }
  const fields = [...missing, ...invalid];
  const first = fields[0];
  if (first === undefined) return;
  throw new SimulatorApiError(400, missing.length > 0 ? CODES.missingAttribute : CODES.invalidAttribute, first.description, {
    parameters: fields.map((f) => f.field),
    fields,
  });
}
