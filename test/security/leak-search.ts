import { inspect } from 'node:util';

/** A value that must never be shown, and a name to report it by. */
export interface Secret {
  readonly name: string;
  readonly value: string;
}

/** One thing the library emitted, as text, and where it came from. */
export interface Emitted {
  readonly where: string;
  readonly text: string;
}

/** A secret found in something emitted, and in which form. */
export interface Leak {
  readonly secret: string;
  readonly where: string;
  readonly form: string;
}

// Shorter values would match by chance (a port, a word); every real secret here is long.
const MIN_SECRET_LENGTH = 8;

/** The forms a secret takes in text: as it is, URL-encoded (in a query), JSON-escaped (in a JSON log). */
function formsOf(value: string): Array<[string, string]> {
  const forms: Array<[string, string]> = [['as is', value]];
  const encoded = encodeURIComponent(value);
  if (encoded !== value) forms.push(['URL-encoded', encoded]);
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) forms.push(['JSON-escaped', escaped]);
  return forms;
}

/**
 * Searches every emitted text for every secret, in each form it could take. Returns the
 * leaks found (empty when clean). Refuses secrets too short to search for meaningfully.
 */
export function findLeaks(emitted: readonly Emitted[], secrets: readonly Secret[]): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    if (secret.value.length < MIN_SECRET_LENGTH) throw new Error(`secret ${secret.name} is too short to search for (${secret.value.length} characters)`);
    for (const [form, text] of formsOf(secret.value)) {
      for (const item of emitted) if (item.text.includes(text)) leaks.push({ secret: secret.name, where: item.where, form });
    }
  }
  return leaks;
}

function safely(render: () => string): string {
  try {
    return render();
  } catch (error) {
    return `<rendering threw ${String(error)}>`;
  }
}

/**
 * Everything an error shows to whoever logs it: its message, stack, `String()`,
 * `JSON.stringify`, `toJSON()`, and `util.inspect` (plain, with hidden properties, and at
 * full depth), for it and each error in its `cause` chain.
 */
export function errorRenderings(error: unknown, where: string): Emitted[] {
  const out: Emitted[] = [];
  let current: unknown = error;
  for (let level = 0; current !== undefined && level < 5; level += 1) {
    const at = level === 0 ? where : `${where} cause ${level}`;
    const value = current;
    const asError = value as { message?: unknown; stack?: unknown; toJSON?: () => unknown; cause?: unknown } | null;
    out.push(
      { where: `${at} message`, text: String(asError?.message ?? '') },
      { where: `${at} stack`, text: String(asError?.stack ?? '') },
      { where: `${at} String()`, text: safely(() => String(value)) },
      { where: `${at} JSON.stringify`, text: safely(() => JSON.stringify(value) ?? '') },
      { where: `${at} toJSON()`, text: safely(() => (typeof asError?.toJSON === 'function' ? JSON.stringify(asError.toJSON()) : '')) },
      { where: `${at} util.inspect`, text: safely(() => inspect(value)) },
      { where: `${at} util.inspect deep`, text: safely(() => inspect(value, { depth: Infinity, showHidden: true, getters: true })) },
    );
    current = asError?.cause;
  }
  return out;
}

/** A value as it would reach a log: `util.inspect` at full depth and `JSON.stringify`. */
export function valueRenderings(value: unknown, where: string): Emitted[] {
  return [
    { where: `${where} util.inspect`, text: safely(() => inspect(value, { depth: Infinity })) },
    { where: `${where} JSON.stringify`, text: safely(() => JSON.stringify(value) ?? '') },
  ];
}
