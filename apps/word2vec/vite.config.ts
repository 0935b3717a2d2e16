import { defaultClientConditions, defineConfig } from 'vite';

// The viewer (viewer/index.html) uses the packages from their sources through the private
// "@mlblocks/source" condition. `pnpm viewer` serves it; vectors.bin is read from the page's
// folder or ?vectors=URL, or opened from a file.
export default defineConfig({
  root: 'viewer',
  base: './',
  resolve: { conditions: ['@mlblocks/source', ...defaultClientConditions] },
  build: { outDir: '../out/viewer', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
