import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without declarations
import { checkPackage, publicPackageDirs } from '../check-package.mjs';

// What every public package must declare to be published (issue #14). Packages are found by listing
// packages/, so a new one is held to the same rules. CONTRIBUTING.md explains each rule.

type Pkg = {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const root = join(import.meta.dirname, '../..');
const dirs: string[] = publicPackageDirs();
const read = (dir: string): Pkg => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');

describe.each(dirs.map((d) => [basename(d), d]))('%s', (_, dir) => {
  const pkg = read(dir);

  it('prepack builds the package and refuses an incomplete one (finding 4)', () => {
    expect(pkg.scripts?.prepack).toMatch(/turbo run build/);
    expect(pkg.scripts?.prepack).toMatch(/check-package\.mjs/);
  });

  it('ships the root LICENSE (finding 7)', () => {
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(rootLicense);
  });

  it('takes the packages that exchange arrays and tensors as peers, never as dependencies (finding 1)', () => {
    for (const shared of ['@mlblocks/core-tensor', '@mlblocks/autograd']) {
      if (pkg.name === shared) continue;
      expect(pkg.dependencies?.[shared], `${shared} in dependencies`).toBeUndefined();
      if (pkg.devDependencies?.[shared] && shared === '@mlblocks/core-tensor') {
        expect(pkg.peerDependencies?.[shared]).toBe('workspace:^');
      }
    }
  });

  it('resolves every subpath under node10 (typesVersions) and types the CJS build (finding 6)', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json');
    expect(pkg.types).toBe('./dist/index.d.cts');
    for (const sub of subpaths) {
      expect(pkg.typesVersions?.['*']?.[sub.slice(2)]).toEqual([`./dist/${sub.slice(2)}.d.cts`]);
    }
  });
});

describe('check-package.mjs', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mlblocks-check-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const fake = (name: string, files: Record<string, string>, withLicense = true) => {
    const dir = join(tmp, name);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name, exports: { '.': { import: './dist/index.js', require: './dist/index.cjs' } } }),
    );
    if (withLicense) writeFileSync(join(dir, 'LICENSE'), rootLicense);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  };
  const ok = { 'dist/index.js': "import { Worker } from 'node:worker_threads';\n", 'dist/index.cjs': '' };

  it('passes a complete package', () => {
    expect(checkPackage(fake('complete', ok)).problems).toEqual([]);
  });

  it('refuses a package without dist (a fresh clone, never built)', () => {
    const { problems } = checkPackage(fake('unbuilt', {}));
    expect(problems.join('\n')).toMatch(/dist\/index\.js is missing/);
  });

  it('refuses source maps, absolute build paths, bare Node built-ins and a missing LICENSE', () => {
    const dir = fake(
      'dirty',
      {
        ...ok,
        'dist/index.js.map': '{}',
        'dist/index.cjs': `require("worker_threads");\n// ${root}/packages/x/src/index.ts\n`,
      },
      false,
    );
    const text = checkPackage(dir).problems.join('\n');
    expect(text).toMatch(/source maps are not published/);
    expect(text).toMatch(/absolute build path/);
    expect(text).toMatch(/imports 'worker_threads' without the node: prefix/);
    expect(text).toMatch(/LICENSE is missing/);
  });
});
