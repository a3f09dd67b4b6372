/**
 * The embedded local Atlas simulator: a real HTTP server on 127.0.0.1 that speaks the contracts'
 * 14 operations (the tenant ones under v1.0 paths too) and the OAuth token endpoint, for tests
 * and demos of this library.
 */
export { startAtlasSimulator } from './start-atlas-simulator.js';
export type {
  AtlasSimulator,
  AtlasSimulatorOptions,
  SimulatorAuthScheme,
  SimulatorClusterNames,
  SimulatorDigestAlgorithm,
  SimulatorRateLimit,
  SimulatorRequestRecord,
  SimulatorSunsetAnswer,
  SimulatorTokenBucket,
} from './types.js';
export { SIMULATOR_DEFAULTS } from './options.js';
export {
  SIMULATOR_FAULT_KINDS,
  type SimulatorFault,
  type SimulatorFaultKind,
  type SimulatorFaults,
  type SimulatorFaultTarget,
  type SimulatorJobRecord,
  type SimulatorRandomFaults,
} from './faults/types.js';
export { SIMULATOR_ERROR_CODES, type SimulatorErrorCode } from './error-codes.js';
