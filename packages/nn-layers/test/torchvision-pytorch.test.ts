// Full-size ResNet-18 and AlexNet against PyTorch, where Debian's python3-torch and
// python3-torchvision are installed (/usr/bin/python3): bench/torchvision_reference.py writes a
// randomly initialised torchvision model (random batch-norm statistics too) as safetensors, an
// input and PyTorch's logits; the models here load the file by torchvision's names and must give
// the same logits to 1e-4. Skipped, with a message, without Python (CI has none; the committed
// width-4 fixture in models.test.ts checks the same numbers there).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tensor } from '@mlblocks/autograd';
import { AlexNet, loadTorchvisionState, type ResNet, resnet18 } from '@mlblocks/nn-layers/models';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { afterAll, describe, expect, it } from 'vitest';

const PYTHON = '/usr/bin/python3';
const script = new URL('../bench/torchvision_reference.py', import.meta.url).pathname;

function torchvisionMissing(): string {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'pipe' });
    return '';
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}
const missing = torchvisionMissing();
if (missing) console.warn(`\n*** nn-layers: full-size PyTorch comparison SKIPPED (${missing})\n`);

describe.skipIf(missing !== '')('full-size models against PyTorch (torchvision)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'torchvision-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [name: 'resnet18' | 'alexnet', build: () => ResNet | AlexNet, size: number][] = [
    ['resnet18', () => resnet18(), 224],
    ['alexnet', () => new AlexNet(), 224],
  ];
  for (const [name, build, size] of cases) {
    it(`${name} at ${size}×${size}: torchvision's weights load by name, logits match to 1e-4`, async () => {
      execFileSync(PYTHON, [script, 'export', name, dir, '--size', String(size), '--batch', '2'], {
        stdio: 'pipe',
        env: { ...process.env, OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' },
      });
      const { tensors } = await loadSafetensors(join(dir, `${name}.safetensors`));
      const io = (await loadSafetensors(join(dir, `${name}-io.safetensors`))).tensors;
      const model = build();
      loadTorchvisionState(model, tensors);
      model.eval();
      const logits = noGrad(() => model.forward(tensor(io.get('input')!))).dataSync();
      const expected = io.get('logits')!.dataSync();
      let elementwise = 0;
      let worst = 0;
      let largest = 0;
      for (let i = 0; i < expected.length; i++) {
        const d = Math.abs(logits[i]! - expected[i]!);
        elementwise = Math.max(elementwise, d / Math.abs(expected[i]!));
        worst = Math.max(worst, d);
        largest = Math.max(largest, Math.abs(expected[i]!));
      }
      console.log(
        `${name} ${size}×${size} vs PyTorch: max relative difference ${(worst / largest).toExponential(2)} of the largest logit (${largest.toFixed(3)}), ${elementwise.toExponential(2)} elementwise over ${expected.length} logits`,
      );
      expect(worst / largest).toBeLessThan(1e-4);
    }, 300_000);
  }
});
