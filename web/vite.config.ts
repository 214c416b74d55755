// Builds the dashboard into <repo>/dist/web, where the server's dashboard route looks for it
// (src/server/routes/dashboard.ts). Run: `vite build --config web/vite.config.ts`.
// No inline scripts or styles are emitted: the server's CSP is default-src 'self'.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [preact({ devToolsInProd: false, prefreshEnabled: false })],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // the modulepreload polyfill would be an inline script in some setups; modern Chromium and
    // Firefox support modulepreload natively
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    target: 'es2022',
  },
  logLevel: 'warn',
});
