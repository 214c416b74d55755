// Bundles the CLI and the layer worker it starts. Code splitting keeps start-up small: what a
// command loads with `await import()` (the scanners, the database, reports, trust) lands in chunks
// that only that command reads, and so do the dependencies those chunks import. Dependencies stay
// external (node_modules). Chunks sit beside main.js: layer-pool resolves the worker relative to
// the module that spawns it. The library build (`dist/index.js`, from tsc) is left as it is.
import { build } from 'esbuild';

await build({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  sourcemap: true,
  splitting: true,
  entryPoints: { main: 'src/cli/main.ts', 'layer-worker': 'src/catalog/layer-worker.ts' },
  outdir: 'dist/cli',
  chunkNames: 'chunk-[hash]',
});
