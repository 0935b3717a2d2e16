// Fault injection for checkpoint saves (issue #15, finding 6): a write that fails (EFBIG under a
// file-size limit) and a writer killed mid-save leave the previous checkpoint intact, and no
// temporary file survives the failure or the next save.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator } from '@mlblocks/core-tensor';
import { Linear } from '@mlblocks/nn-layers';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from '@mlblocks/nn-layers/node';
import { afterAll, describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./helpers/save-child.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

// Runs the child writer (through bash, so that `ulimit -f` can cap the file size it may write).
function startWriter(mode: 'efbig' | 'hang', path: string, seed: number, fileSizeKiB?: number) {
  const node = `"${process.execPath}" --import tsx --conditions=@mlblocks/source "${child}" ${mode} "${path}" ${seed}`;
  const limit = fileSizeKiB === undefined ? '' : `ulimit -f ${fileSizeKiB} && `;
  const proc = spawn('bash', ['-c', `${limit}exec ${node}`], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const line = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (out.includes(text)) resolve(out);
      };
      proc.stdout!.on('data', check);
      proc.on('exit', () => (out.includes(text) ? resolve(out) : reject(new Error(`child: ${out}${err}`))));
    });
  const exit = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>(
    (resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { proc, line, exit };
}

async function modelBytes(path: string): Promise<Buffer> {
  return readFile(path);
}

describe('checkpoint saves under faults', () => {
  it('a write that fails (EFBIG) removes its temporary file and keeps the previous checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlblocks-fault-'));
    const path = join(dir, 'model.safetensors');
    await saveCheckpoint(new Linear(4, 4, { generator: new Generator(1) }), path);
    const before = await modelBytes(path);
    const { exit } = startWriter('efbig', path, 2, 64); // 64 KiB cap, a ≈ 257 KiB checkpoint
    const result = await exit;
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out.trim())).toMatchObject({ code: 'EFBIG' });
    expect(await readdir(dir)).toEqual(['model.safetensors']); // no .tmp left behind
    expect((await modelBytes(path)).equals(before)).toBe(true);
  }, 60_000);

  it('a writer killed mid-save leaves the previous checkpoint; the next save removes its temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlblocks-fault-'));
    const path = join(dir, 'model.safetensors');
    const first = new Linear(4, 4, { generator: new Generator(3) });
    await saveCheckpoint(first, path);
    const before = await modelBytes(path);
    const writer = startWriter('hang', path, 4);
    await writer.line('writing'); // the bytes are in the temporary file; fsync never returns
    writer.proc.kill('SIGKILL');
    expect((await writer.exit).signal).toBe('SIGKILL');
    const orphans = (await readdir(dir)).filter((f) => f.endsWith('.tmp'));
    expect(orphans).toHaveLength(1);
    expect(orphans[0]).toMatch(
      new RegExp(`^\\.model\\.safetensors\\.${writer.proc.pid}\\.[0-9a-f]{8}\\.tmp$`),
    );
    expect((await modelBytes(path)).equals(before)).toBe(true); // the killed save changed nothing

    const loaded = new Linear(4, 4);
    await loadCheckpoint(loaded, path);
    expect(loaded.weight.array.toArraySync()).toEqual(first.weight.array.toArraySync());
    await saveCheckpoint(new Linear(4, 4, { generator: new Generator(5) }), path);
    expect(await readdir(dir)).toEqual(['model.safetensors']); // the orphan is gone
  }, 60_000);

  it("a live writer's temporary file is left alone; only writers that are gone count as stale", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlblocks-fault-'));
    const path = join(dir, 'model.safetensors');
    const live = spawn('sleep', ['30']);
    children.push(live);
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    const liveTemp = `.model.safetensors.${live.pid}.0badc0de.tmp`;
    const deadTemp = `.model.safetensors.${dead.pid}.deadbeef.tmp`;
    const ownTemp = `.model.safetensors.${process.pid}.0123abcd.tmp`; // this process, not writing now
    const unrelated = ['.other.safetensors.1.0badc0de.tmp', 'model.safetensors.notes'];
    for (const f of [liveTemp, deadTemp, ownTemp, ...unrelated]) await writeFile(join(dir, f), 'x');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect((await readdir(dir)).sort()).toEqual([liveTemp, ...unrelated, 'model.safetensors'].sort());
    live.kill('SIGKILL');
  });

  it('failed renames and opens leave nothing behind, and concurrent saves do not delete each other', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlblocks-fault-'));
    const blocked = join(dir, 'taken');
    await mkdir(join(blocked, 'sub'), { recursive: true }); // renaming a file over a non-empty folder fails
    await expect(writeFileAtomic(blocked, new Uint8Array([1]))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['taken']);
    await expect(writeFileAtomic(join(dir, 'missing', 'x'), new Uint8Array([1]))).rejects.toThrow(/ENOENT/);
    const path = join(dir, 'same.bin');
    const payloads = Array.from({ length: 8 }, (_, i) => new Uint8Array(64 * 1024).fill(i));
    await Promise.all(payloads.map((p) => writeFileAtomic(path, p)));
    const final = await readFile(path);
    expect(payloads.some((p) => Buffer.from(p).equals(final))).toBe(true); // one whole payload won
    expect((await readdir(dir)).sort()).toEqual(['same.bin', 'taken']);
  });
});
