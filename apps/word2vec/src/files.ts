import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@mlblocks/nn-layers/node';

/** Writes text or bytes atomically (nn-layers' temporary file + rename), creating the folder. */
export async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, typeof content === 'string' ? new TextEncoder().encode(content) : content);
}
