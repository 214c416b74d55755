// Bundles the CLI (and the layer worker it starts) into single files: one module to load instead
// of a hundred cuts the start-up of every command. Dependencies stay external (node_modules).
// The library build (`dist/index.js` and its modules, from tsc) is left as it is.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning', sourcemap: true };
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.js' });
// layer-pool resolves the worker beside the module that spawns it: in the bundle, dist/cli/
await build({ ...common, entryPoints: ['src/catalog/layer-worker.ts'], outfile: 'dist/cli/layer-worker.js' });
