#!/usr/bin/env node
// Refuses to let a package be packed or published unless what its package.json promises is there
// and clean (issue #14). Run by each package's `prepack` (after its build), and by
// `pnpm check:packages` for every public package under packages/ (found by listing the folder, so
// a new package is checked without editing this file).
//
//   node scripts/check-package.mjs [packageDir…]   (default: the current directory)
//
// Checks: every file named by exports/main/module/types/typesVersions exists (a tarball without
// dist cannot be made); LICENSE is present and identical to the root one; no source maps ship (they
// embedded our sources and were most of each tarball); no absolute build paths leak into dist; Node
// built-ins keep their `node:` prefix (so bundlers can mark `node:*` external for the browser).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');
const bareBuiltins = new Set(builtinModules.filter((m) => !m.startsWith('_') && !m.includes('/')));

/** Every file path a package.json points at (the private `@mlblocks/source` condition excepted). */
function promisedFiles(pkg) {
  const out = new Set();
  const walk = (value, key) => {
    if (key === '@mlblocks/source') return;
    if (typeof value === 'string') {
      if (!value.includes('*')) out.add(value);
    } else if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(pkg.exports);
  for (const key of ['main', 'module', 'types', 'typings', 'browser']) walk(pkg[key]);
  walk(pkg.typesVersions);
  return [...out].filter((p) => p !== './package.json');
}

function* filesUnder(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* filesUnder(p);
    else yield p;
  }
}

/** Problems found in one package folder (empty when it may be packed). */
export function checkPackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = [];
  for (const file of promisedFiles(pkg)) {
    if (!existsSync(join(dir, file))) problems.push(`${file} is missing (run \`pnpm build\`; prepack does)`);
  }
  const license = join(dir, 'LICENSE');
  if (!existsSync(license)) problems.push('LICENSE is missing (copy the root LICENSE into the package)');
  else if (readFileSync(license, 'utf8') !== rootLicense)
    problems.push('LICENSE differs from the root LICENSE');
  const builtinImport =
    /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["']([a-z_]+(?:\/[a-z_/]+)?)["']/g;
  for (const file of filesUnder(join(dir, 'dist'))) {
    const rel = relative(dir, file);
    if (file.endsWith('.map')) {
      problems.push(`${rel}: source maps are not published (sourcemap: false in tsup.base.ts)`);
      continue;
    }
    if (!/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (text.includes(root)) problems.push(`${rel}: contains the absolute build path ${root}`);
    for (const [, spec] of text.matchAll(builtinImport)) {
      if (bareBuiltins.has(spec.split('/')[0]))
        problems.push(
          `${rel}: imports '${spec}' without the node: prefix (bundlers cannot mark it external)`,
        );
    }
  }
  return { name: pkg.name, private: pkg.private === true, problems };
}

/** Public package folders under packages/, found by listing it. */
export function publicPackageDirs() {
  const base = join(root, 'packages');
  return readdirSync(base)
    .map((n) => join(base, n))
    .filter((d) => existsSync(join(d, 'package.json')))
    .filter((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private !== true);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dirs = args.includes('--all') ? publicPackageDirs() : args.length ? args : [process.cwd()];
  let failed = 0;
  for (const dir of dirs) {
    const { name, problems } = checkPackage(resolve(dir));
    if (problems.length === 0) {
      console.log(`✓ ${name}`);
      continue;
    }
    failed++;
    console.error(`✗ ${name}: refusing to pack\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  process.exit(failed ? 1 : 0);
}
