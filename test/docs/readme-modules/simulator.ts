// `atlas-snapshot-shim/simulator`, as README snippets see it.
export * from '../../../dist/simulator.js';
