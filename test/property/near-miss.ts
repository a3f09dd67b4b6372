import fc from 'fast-check';

/**
 * Characters that turn a valid identifier into an invalid one the ways typos and attacks
 * do: separators and traversal, NUL and line ends, case and hex neighbours, characters that
 * look like ASCII but are not, astral letters (two UTF-16 units, one code point), a lone
 * surrogate, percent-encodings, and each punctuation mark one of the contract's patterns allows.
 */
export const HOSTILE_CHARACTERS: readonly string[] = [
  '/', '\\', '.', '..', '../', '\0', '\n', '\r\n', ' ', '\t', '%2f', '%00', '?', '#', '*', '$', '^',
  '-', '_', "'", '(', ')', ',', ':', '&', '@', '+',
  'A', 'F', 'G', 'g', 'z', '0', '9',
  'é', 'ß', 'Ａ', '١', 'Ⅻ', '𝐀', '😀', '\u200b', '\u00a0', '\ud800',
];

type Mutation = (value: string, position: number, character: string) => string;

// Each edit keeps most of the valid string, so the result sits right next to the boundary.
const MUTATIONS: readonly Mutation[] = [
  (v, at, c) => v.slice(0, at) + c + v.slice(at),
  (v, at, c) => v.slice(0, at) + c + v.slice(at + 1),
  (v, at) => v.slice(0, at) + v.slice(at + 1),
  (v, at) => v.slice(0, at),
  (v, at) => v + v.slice(0, at),
  (v) => v.toUpperCase(),
  (v) => v.toLowerCase(),
  (v) => `${v}\n`,
  (v) => ` ${v}`,
  (v, _at, c) => `${v}${c}`,
  (v, _at, c) => `${c}${v}`,
];

/** Strings one edit away from `valid`: an insertion, a replacement, a cut, a doubling, a case change. */
export function nearMiss(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.nat({ max: MUTATIONS.length - 1 }), fc.nat(), fc.constantFrom(...HOSTILE_CHARACTERS))
    .map(([value, which, position, character]) => MUTATIONS[which]!(value, position % (value.length + 1), character));
}

/**
 * Strings of exactly `length ± 2` characters built from a valid string's own characters,
 * so length limits are probed with content the pattern otherwise accepts.
 */
export function aroundLength(valid: fc.Arbitrary<string>, length: number): fc.Arbitrary<string> {
  return fc.tuple(valid.filter((v) => v.length > 0), fc.integer({ min: length - 2, max: length + 2 })).map(([value, wanted]) => {
    let out = value;
    while (out.length < wanted) out += value;
    return out.slice(0, Math.max(0, wanted));
  });
}

/**
 * What JavaScript callers pass where a string belongs: numbers, objects, arrays, null,
 * symbols, boxed strings and objects whose `toString` answers a valid value.
 */
export function nonStrings(valid: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.anything().filter((value) => typeof value !== 'string'),
    fc.constantFrom<unknown>(null, undefined, Symbol('id'), 10n, Number.NaN, Infinity, () => 'x'),
    valid.map((value) => ({ toString: () => value })),
    valid.map((value) => ({ valueOf: () => value, [Symbol.toPrimitive]: () => value })),
    valid.map((value) => new String(value)),
    valid.map((value) => [value]),
  );
}
