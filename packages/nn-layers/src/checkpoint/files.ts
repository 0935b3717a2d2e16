import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NDArray } from '@mlblocks/core-tensor';
import type { Module } from '../module/module.js';
import { deserializeSafetensors, type SafetensorsContent, serializeSafetensors } from './safetensors.js';

/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder, are flushed to
 * disk, and only then renamed over the target — so a crash never leaves a half-written file
 * under the real name, and the previous checkpoint survives until the new one is complete.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Saves named arrays as a safetensors file, atomically. Arrays on backends that read back
 * asynchronously (WebGPU) are copied to the CPU first.
 */
export async function saveSafetensors(
  path: string,
  tensors: ReadonlyMap<string, NDArray>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const host = new Map<string, NDArray>();
  const copies: NDArray[] = [];
  for (const [name, array] of tensors) {
    if (array.backend.readSync) host.set(name, array);
    else {
      const copy = await array.toAsync('cpu');
      copies.push(copy);
      host.set(name, copy);
    }
  }
  try {
    await writeFileAtomic(path, serializeSafetensors(host, metadata));
  } finally {
    for (const c of copies) c.dispose();
  }
}

/** Reads and validates a safetensors file (rejected whole if anything is wrong). */
export async function loadSafetensors(
  path: string,
  options: { backend?: string } = {},
): Promise<SafetensorsContent> {
  return deserializeSafetensors(new Uint8Array(await readFile(path)), options);
}

/**
 * Saves a model's parameters and buffers (its `stateDict()`) as safetensors.
 *
 * @example
 * await saveCheckpoint(model, 'mlp.safetensors', { epoch: '3' });
 */
export async function saveCheckpoint(
  module: Module,
  path: string,
  metadata: Record<string, string> = {},
): Promise<void> {
  await saveSafetensors(path, module.stateDict(), metadata);
}

/** Loads a safetensors file into a model (strict key and shape checks by default); returns the file's metadata. */
export async function loadCheckpoint(
  module: Module,
  path: string,
  strict = true,
): Promise<Record<string, string>> {
  const backend = module.parameters()[0]?.array.backend.name;
  const { tensors, metadata } = await loadSafetensors(path, { backend });
  try {
    module.loadStateDict(tensors, strict);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
  return metadata;
}
