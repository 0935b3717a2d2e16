// The build every published package shares: ESM + CJS + .d.ts from its entry points, for ES2022,
// type-checked against the package's tsconfig.build.json. A package's tsup.config.ts names its
// entries and adds what only it needs.
//
// NOTE (issue #14): no source maps — they embedded our sources and were most of each tarball, and
// without sources they point at files we do not ship; `node:` specifiers are kept as written
// (tsup strips them by default), so bundlers can mark `node:*` external for browser builds.
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: string[], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: false,
    removeNodeProtocol: false,
    clean: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    ...extra,
  });
}
