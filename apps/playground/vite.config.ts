import { defaultClientConditions, defineConfig } from 'vite';

// The packages are used from their sources through the private "@mlblocks/source" condition.
export default defineConfig({
  resolve: { conditions: ['@mlblocks/source', ...defaultClientConditions] },
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 2000 },
});
