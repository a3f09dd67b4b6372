// `atlas-snapshot-shim/adapters/env`, as README snippets see it (nothing to point at the simulator).
export * from '../../../dist/adapters/env.js';
