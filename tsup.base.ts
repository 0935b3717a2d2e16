// The build every published package shares: ESM + CJS + .d.ts from its entry points, for ES2022,
// type-checked against the package's tsconfig.build.json. A package's tsup.config.ts names its
// entries and adds what only it needs.
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: string[], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    ...extra,
  });
}
