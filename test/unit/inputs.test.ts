import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/shim-error.js';
import { ABORT_SIGNAL, check, checkClusterTarget, checkOptional, checkOptionsObject, CLUSTER_NAME, OBJECT_ID, TARGET_DEPLOYMENT_ITEM_NAME } from '../../src/validation.js';
import { resolveSaveOptions } from '../../src/download/save-snapshot-file.js';

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('check(…, OBJECT_ID)', () => {
  it('accepts exactly 24 lowercase hex', () => {
    expect(check('groupId', '5f1a2b3c4d5e6f7a8b9c0d1e', OBJECT_ID)).toBe('5f1a2b3c4d5e6f7a8b9c0d1e');
  });
  it.each([
    ['uppercase', '5F1A2B3C4D5E6F7A8B9C0D1E'],
    ['too short', '5f1a2b3c'],
    ['too long', '5f1a2b3c4d5e6f7a8b9c0d1e0'],
    ['not hex', 'zzzzzzzzzzzzzzzzzzzzzzzz'],
    ['trailing newline', '5f1a2b3c4d5e6f7a8b9c0d1e\n'],
    ['a number', 42],
    ['null', null],
    ['an object', { toString: () => '5f1a2b3c4d5e6f7a8b9c0d1e' }],
  ])('refuses %s, naming the field and the rule', (_name, value) => {
    const error = rejection(() => check('snapshotId', value, OBJECT_ID));
    expect(error.field).toBe('snapshotId');
    expect(error.message).toContain('24 lowercase hexadecimal');
  });
});

describe('check(…, CLUSTER_NAME)', () => {
  it('accepts the contract pattern up to 64 characters', () => {
    expect(check('clusterName', 'Cluster0', CLUSTER_NAME)).toBe('Cluster0');
    expect(check('clusterName', 'a'.repeat(64), CLUSTER_NAME)).toHaveLength(64);
    expect(check('clusterName', 'my-cluster-1', CLUSTER_NAME)).toBe('my-cluster-1');
  });
  it.each([
    ['empty', ''],
    ['leading hyphen', '-abc'],
    ['path traversal', '../etc'],
    ['a slash', 'a/b'],
    ['NUL', 'abc\u0000'],
    ['an underscore', 'a_b'],
    ['65 characters', 'a'.repeat(65)],
    ['a huge string', 'a'.repeat(1_000_000)],
    ['non-ASCII letters', 'clüster'],
  ])('refuses %s', (_name, value) => {
    const error = rejection(() => check('clusterName', value, CLUSTER_NAME));
    expect(error.field).toBe('clusterName');
    expect(error.message.length).toBeLessThan(400);
  });
  it('shows NUL escaped in the message', () => {
    expect(rejection(() => check('clusterName', 'a\u0000b', CLUSTER_NAME)).message).toContain('\\u0000');
  });
});

describe('other inputs', () => {
  it('targetDeploymentItemName follows the contract pattern (Unicode letters allowed)', () => {
    expect(check('t', "Clüster(prod):1@x+y'z", TARGET_DEPLOYMENT_ITEM_NAME)).toBe("Clüster(prod):1@x+y'z");
    expect(() => check('t', 'a/b', TARGET_DEPLOYMENT_ITEM_NAME)).toThrow(ValidationError);
    expect(() => check('t', 'a b', TARGET_DEPLOYMENT_ITEM_NAME)).toThrow(ValidationError);
    expect(() => check('t', 'a'.repeat(65), TARGET_DEPLOYMENT_ITEM_NAME)).toThrow(ValidationError);
  });
  it('signal must be an AbortSignal when given', () => {
    expect(checkOptional('signal', undefined, ABORT_SIGNAL)).toBeUndefined();
    const controller = new AbortController();
    expect(checkOptional('signal', controller.signal, ABORT_SIGNAL)).toBe(controller.signal);
    expect(() => checkOptional('signal', { aborted: false }, ABORT_SIGNAL)).toThrow(/AbortSignal/);
  });
  it('a cluster target must be an object with both fields', () => {
    expect(() => checkClusterTarget(undefined)).toThrow(/Invalid argument: expected an object/);
    expect(() => checkClusterTarget({ groupId: '5f1a2b3c4d5e6f7a8b9c0d1e' })).toThrow(/clusterName/);
  });
});

describe('checkOptionsObject', () => {
  it('takes undefined as no options, and an object as it is', () => {
    expect(checkOptionsObject('options', undefined)).toEqual({});
    const options = { signal: undefined };
    expect(checkOptionsObject('options', options)).toBe(options);
  });
  it.each([
    ['null', null, 'null'],
    ['a string', 'fast', '"fast"'],
    ['a number', 0, 'number 0'],
    ['an array', [{}], 'an array of 1'],
    ['a function', () => ({}), 'a function'],
    ['false', false, 'boolean false'],
  ])('refuses %s, naming the argument', (_name, value, received) => {
    const error = rejection(() => checkOptionsObject('options', value));
    expect(error).toMatchObject({ field: 'options', received });
  });
});

describe('resolveSaveOptions field names', () => {
  it('names a wrong option options.<name> by default, and <name> with the prefix the download argument uses, keeping what was allowed and received', () => {
    expect(rejection(() => resolveSaveOptions({ resume: 'yes' as never }))).toMatchObject({ field: 'options.resume', allowed: 'true or false', received: '"yes"' });
    const error = rejection(() => resolveSaveOptions({ resume: 'yes' as never }, ''));
    expect(error).toMatchObject({ field: 'resume', allowed: 'true or false', received: '"yes"' });
    expect(error.message).toBe('Invalid resume: expected true or false, received "yes".');
  });
  it('returns the defaults with either prefix', () => {
    const defaults = { signal: undefined, onProgress: undefined, resume: true, progressIntervalMs: 250, maxResumeAttempts: 3, connections: 4, partSizeBytes: 8 * 1024 * 1024 };
    expect(resolveSaveOptions({})).toEqual(defaults);
    expect(resolveSaveOptions({}, '')).toEqual(defaults);
  });
});
