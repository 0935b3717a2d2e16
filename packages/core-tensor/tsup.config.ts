import { readFileSync } from 'node:fs';
import { packageBuild } from '../../tsup.base';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// NOTE: the version is stamped into the build, so the shared runtime can name both versions
// when two incompatible copies of this package meet in one process
export default packageBuild(['src/index.ts'], {
  define: { __MLBLOCKS_CORE_TENSOR_VERSION__: JSON.stringify(version) },
});
