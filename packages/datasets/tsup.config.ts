import { defineConfig } from 'tsup';

export default defineConfig({
  // index: runs anywhere (no node: imports); node: files, the cache, downloads, npm-shipped data
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  // NOTE: the CommonJS build needs import.meta.url shimmed (createRequire finds npm-shipped data)
  shims: true,
  // NOTE: one shared chunk in both formats, so classes (errors, Vocabulary) are the same object
  // whether imported from the main entry or from /node
  splitting: true,
});
