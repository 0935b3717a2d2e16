import { packageBuild } from '../../tsup.base';

// index: runs anywhere (no node: imports); node: files, the cache, downloads, npm-shipped data
export default packageBuild(['src/index.ts', 'src/node.ts'], {
  // NOTE: the CommonJS build needs import.meta.url shimmed (createRequire finds npm-shipped data)
  shims: true,
  // NOTE: one shared chunk in both formats, so classes (errors, Vocabulary) are the same object
  // whether imported from the main entry or from /node
  splitting: true,
});
