import { dispose, type NDArray } from '@mlblocks/core-tensor';
import type { Module } from '@mlblocks/nn-layers';
import { saveSafetensors } from '@mlblocks/nn-layers/node';

/**
 * Saves the model's `stateDict()` as safetensors with `metadata`, from any backend.
 * NOTE: `saveCheckpoint` reads arrays back synchronously, which the WebGPU backend cannot do;
 * copying each array with `toAsync('cpu')` first works everywhere.
 */
export async function saveModel(
  model: Module,
  path: string,
  metadata: Record<string, string>,
): Promise<void> {
  const onCpu = new Map<string, NDArray>();
  for (const [name, array] of model.stateDict()) onCpu.set(name, await array.toAsync('cpu'));
  try {
    await saveSafetensors(path, onCpu, metadata);
  } finally {
    dispose([...onCpu.values()]);
  }
}
