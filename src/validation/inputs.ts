import { ValidationError } from '../errors/validation-error.js';
import { describeValue } from './describe-value.js';
import {
  CLUSTER_NAME_MAX_LENGTH,
  CLUSTER_NAME_PATTERN,
  OBJECT_ID_PATTERN,
  TARGET_DEPLOYMENT_ITEM_NAME_PATTERN,
} from './patterns.js';

const OBJECT_ID_RULE = '24 lowercase hexadecimal characters (pattern ^[a-f0-9]{24}$)';
const CLUSTER_NAME_RULE = `1 to ${CLUSTER_NAME_MAX_LENGTH} letters, digits or hyphens, starting with a letter or digit (pattern ^[a-zA-Z0-9][a-zA-Z0-9-]*$)`;

/** Checks a 24-hex Atlas id (`groupId`, `snapshotId`, a restore job id) and returns it. */
export function validateObjectId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !OBJECT_ID_PATTERN.test(value)) {
    throw new ValidationError(field, OBJECT_ID_RULE, describeValue(value));
  }
  return value;
}

/** Checks a cluster or Flex instance name against the contract's pattern and Atlas's length limit. */
export function validateClusterName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > CLUSTER_NAME_MAX_LENGTH || !CLUSTER_NAME_PATTERN.test(value)) {
    throw new ValidationError(field, CLUSTER_NAME_RULE, describeValue(value));
  }
  return value;
}

/** Checks `targetDeploymentItemName` against the contract's pattern. */
export function validateTargetDeploymentItemName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !TARGET_DEPLOYMENT_ITEM_NAME_PATTERN.test(value)) {
    throw new ValidationError(
      field,
      "1 to 64 letters, digits or -_.(),:&@+' characters (pattern ^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$)",
      describeValue(value),
    );
  }
  return value;
}

/** Checks that an optional `signal` is an AbortSignal. */
export function validateSignal(field: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new ValidationError(field, 'an AbortSignal', describeValue(value));
  return value;
}

/** Checks that the call's argument is a plain object before its fields are read. */
export function validateArgumentObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, 'an object', describeValue(value));
  }
  return value as Record<string, unknown>;
}

/**
 * Checks an optional options argument: undefined stands for "no options" (an empty
 * object is returned, so fields can be read without a guard); anything else must be a
 * plain object. Read before its fields, so `null` or a string fails as a ValidationError
 * naming the argument rather than as a TypeError from deep inside the call.
 */
export function validateOptionsObject(field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, 'an options object, or nothing', describeValue(value));
  }
  return value as Record<string, unknown>;
}

/** A cluster addressed by project and name, validated. */
export interface ClusterTarget {
  /** The project (24 hex). */
  readonly groupId: string;
  /** The cluster's or Flex instance's name. */
  readonly clusterName: string;
}

/** Validates `{ groupId, clusterName }` of a call argument. */
export function validateClusterTarget(argument: unknown, name = 'argument'): ClusterTarget {
  const input = validateArgumentObject(name, argument);
  return {
    groupId: validateObjectId('groupId', input.groupId),
    clusterName: validateClusterName('clusterName', input.clusterName),
  };
}
