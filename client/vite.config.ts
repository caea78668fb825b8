import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { checkBudget, printClientSizes, recordClientSizes } from '../scripts/client-sizes.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
const API = 'http://localhost:3000';

/**
 * Every build (npm run build:client, the server's first start, the e2e tests) ends by precompressing
 * the assets and recording their sizes (scripts/client-sizes.mjs); over the first page's budget, it fails.
 */
function clientSizes(): Plugin {
  return {
    name: 'zwx-client-sizes',
    apply: 'build',
    closeBundle() {
      const result = recordClientSizes(path.join(root, 'dist'));
      printClientSizes(result, (line) => this.info(line));
      checkBudget(result);
    },
  };
}

// The API server serves client/dist in production; in development Vite serves the client and
// forwards the API and the socket.io connection to the server on port 3000.
export default defineConfig({
  root,
  plugins: [react(), clientSizes()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // .vite/manifest.json: which chunks each page needs (scripts/client-sizes.mjs reads it).
    manifest: true,
    // The regulator's page carries ECharts (about 200 kB gzip), loaded only there; the budget that
    // matters is the first page's, checked by clientSizes().
    chunkSizeWarningLimit: 700,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: API, changeOrigin: false },
      '/socket.io': { target: API, ws: true },
    },
  },
});
