// `atlas-snapshot-shim/adapters/openfeature`, as README snippets see it (nothing to point at the simulator).
export * from '../../../dist/adapters/openfeature.js';
