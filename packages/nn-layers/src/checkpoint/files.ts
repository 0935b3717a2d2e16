import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkOptions, type NDArray } from '@mlblocks/core-tensor';
import type { Module } from '../module/module.js';
import { deserializeSafetensors, type SafetensorsContent, serializeSafetensors } from './safetensors.js';

// Temporary files of writes still in progress in this process (never taken for stale ones).
const inFlight = new Set<string>();

/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder
 * (`.<name>.<pid>.<random>.tmp`), are flushed to disk, and only then renamed over the target — so
 * a crash never leaves a half-written file under the real name, and the previous file survives
 * until the new one is complete. The temporary file is removed on every failure path (a failed
 * open, write, fsync, close or rename, e.g. `EFBIG` or `ENOSPC`); temporary files left by writers
 * that were killed (their process no longer exists) are removed by the next write to the same path.
 *
 * @example
 * await writeFileAtomic('out/model.safetensors', bytes);
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await removeStaleTemps(dir, basename(path));
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  inFlight.add(temp);
  try {
    const handle = await open(temp, 'wx').catch((error: unknown) => {
      inFlight.delete(temp); // nothing was created: nothing to remove below
      throw error;
    });
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    if (inFlight.has(temp)) await rm(temp, { force: true }).catch(() => undefined); // keep the write's own error
    throw error;
  } finally {
    inFlight.delete(temp);
  }
}

// Removes `.<name>.<pid>.<hex>.tmp` files next to `name` whose writer is gone: a process that no
// longer exists, or this process when the write is not in progress. A live process's temp stays
// (another process may be saving the same file right now).
async function removeStaleTemps(dir: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return; // no folder yet: the open below reports it
  }
  const prefix = `.${name}.`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(entry.slice(prefix.length));
    if (match === null) continue;
    const temp = join(dir, entry);
    const pid = Number(match[1]);
    const stale = pid === process.pid ? !inFlight.has(temp) : !processExists(pid);
    if (stale) await rm(temp, { force: true }).catch(() => undefined);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
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
  checkOptions('loadSafetensors', options, { backend: true });
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
