/**
 * @mlblocks/nn-layers/node — file-system helpers (Node only): atomic safetensors checkpoints.
 */
export {
  loadCheckpoint,
  loadSafetensors,
  saveCheckpoint,
  saveSafetensors,
  writeFileAtomic,
} from './checkpoint/files.js';
