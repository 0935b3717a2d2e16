// The lego blocks and the optimizers together: MLPs learn XOR and two spirals to 100% training accuracy.
import { tensor } from '@mlblocks/autograd';
import { fromArray, Generator, tidy } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, Linear, Sequential, Tanh } from '@mlblocks/nn-layers';
import { Adam } from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { train } from '../examples/spirals.js';

describe('MLPs learn', () => {
  it('XOR to 100% with a 2-8-2 tanh network and Adam', () => {
    const gen = new Generator(1);
    const model = new Sequential(
      new Linear(2, 8, { generator: gen }),
      new Tanh(),
      new Linear(8, 2, { generator: gen }),
    );
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = fromArray([0, 1, 1, 0], { dtype: 'int32' });
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    const lossFn = new CrossEntropyLoss();
    for (let step = 0; step < 300; step++) {
      tidy(() => {
        lossFn.forward(model.forward(x), y).backward();
        optimizer.step();
        optimizer.zeroGrad();
      });
    }
    expect(model.forward(x).array.argmax(1).toArraySync()).toEqual([0, 1, 1, 0]);
  });

  it('two spirals to 100% training accuracy (the README example)', () => {
    expect(train(1500, () => {})).toBe(1);
  }, 60_000);
});
