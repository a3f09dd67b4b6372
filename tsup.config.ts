import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    simulator: 'src/simulator/index.ts',
    cli: 'src/cli/main.ts',
    'adapters/legacy-client': 'adapters/legacy-client.ts',
    'adapters/undici': 'adapters/undici.ts',
    'adapters/env': 'adapters/env.ts',
    'adapters/openfeature': 'adapters/openfeature.ts',
    'adapters/axios': 'adapters/axios.ts',
    'adapters/fetch': 'adapters/fetch.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // One copy of src/ shared by every entry point, so `instanceof ShimError` holds across subpaths.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // Optional peers: resolved from the user's node_modules, never bundled.
  external: ['@openfeature/server-sdk', 'axios'],
});
