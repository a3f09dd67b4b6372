/**
 * The hostile values a JavaScript caller (or a compromised config) can pass where the
 * library expects a string: traversal and separators, NUL, a 1 MB string, and every
 * non-string type, including objects that pretend to be the right string.
 */

/** A value, and what to call it in a test name. */
export type Hostile = readonly [name: string, value: unknown];

/** Hostile stand-ins for `valid`, a value the field would accept. */
export function hostileFor(valid: string): readonly Hostile[] {
  return [
    ['path traversal', '../../etc/passwd'],
    ['traversal after a valid value', `${valid}/../x`],
    ['a slash', `${valid}/x`],
    ['a backslash', `${valid}\\x`],
    ['a NUL', `${valid}\u0000`],
    ['a newline', `${valid}\n`],
    ['a 1 MB string', `${valid}${'a'.repeat(1_000_000)}`],
    ['the empty string', ''],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a bigint', 10n],
    ['a boolean', true],
    ['null', null],
    ['undefined', undefined],
    ['a Symbol', Symbol(valid)],
    ['a function returning it', () => valid],
    ['an array holding it', [valid]],
    ['an object with toString', { toString: () => valid }],
    ['an object with Symbol.toPrimitive', { [Symbol.toPrimitive]: () => valid }],
    ['a boxed string', Object(valid) as unknown],
    ['a Date', new Date(0)],
  ];
}

/** Hostile values for an options or argument object: everything that is not a plain object. */
export const NOT_OBJECTS: readonly Hostile[] = [
  ['null', null],
  ['a string', '../x'],
  ['a number', 42],
  ['a Symbol', Symbol('options')],
  ['an array', [{}]],
  ['a function', () => ({})],
  ['a boolean', true],
];

/** `values` without the entries named: those a field accepts, or that another test covers. */
export function without(values: readonly Hostile[], ...names: string[]): readonly Hostile[] {
  return values.filter(([name]) => !names.includes(name));
}
