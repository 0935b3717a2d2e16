// A checkpoint writer run in a child process, for the save fault tests. argv: <mode> <path> <seed>.
//   efbig: saves normally (the parent runs it under `ulimit -f`, so the write fails with EFBIG);
//          prints {"ok":true} or {"code":"EFBIG",...}.
//   hang:  saves, but fsync never returns: prints "writing" once the bytes are in the temporary
//          file and waits there to be killed (a writer killed mid-save).
import { open } from 'node:fs/promises';
import { Generator } from '@mlblocks/core-tensor';
import { Linear } from '@mlblocks/nn-layers';
import { saveCheckpoint } from '@mlblocks/nn-layers/node';

const [mode, path, seed] = process.argv.slice(2);
const model = new Linear(256, 256, { generator: new Generator(Number(seed)) }); // ≈ 257 KiB

if (mode === 'hang') {
  const probe = await open('/dev/null');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  setInterval(() => undefined, 1000); // stay alive until killed
  proto.sync = () => {
    process.stdout.write('writing\n');
    return new Promise<void>(() => undefined);
  };
}

try {
  await saveCheckpoint(model, path!);
  process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  process.stdout.write(`${JSON.stringify({ code: e.code, message: e.message })}\n`);
}
