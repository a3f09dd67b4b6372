/**
 * The contract's patterns for the identifiers a caller passes in. Kept as the one place
 * both the input validation and the simulator read them from.
 */

/** `groupId`, `snapshotId`, restore job ids: `^([a-f0-9]{24})$` in the contract. */
export const OBJECT_ID_PATTERN = /^[a-f0-9]{24}$/;
/** Cluster and Flex instance names: `^[a-zA-Z0-9][a-zA-Z0-9-]*$` in the contract. */
export const CLUSTER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
/** Atlas cluster names are 1 to 64 characters long. */
export const CLUSTER_NAME_MAX_LENGTH = 64;
/** `targetDeploymentItemName`: `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$` in the contract. */
export const TARGET_DEPLOYMENT_ITEM_NAME_PATTERN = /^[\p{L}\p{N}\-_.(),:&@+']{1,64}$/u;
