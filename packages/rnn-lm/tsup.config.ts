import { packageBuild } from '../../tsup.base';

// index: runs anywhere (no node: imports); node: the SOTU corpus and checkpoint folders
export default packageBuild(['src/index.ts', 'src/node.ts'], {
  // NOTE: one shared chunk in both formats, so classes (errors, models) are the same object
  // whether imported from the main entry or from /node
  splitting: true,
});
