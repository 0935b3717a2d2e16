import { packageBuild } from '../../tsup.base';

// index: everything; node: file-system helpers; models: the CNN lesson's networks
export default packageBuild(['src/index.ts', 'src/node.ts', 'src/models.ts'], {
  // NOTE: one shared chunk in both formats, so classes (Module, the layers, errors) are the same
  // object whether imported from the main entry or from /models or /node (instanceof holds)
  splitting: true,
});
