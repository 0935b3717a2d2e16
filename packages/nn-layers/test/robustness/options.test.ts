// Layers reject options they do not know (issue #15, finding 7), naming the layer, the option and
// the valid ones, instead of silently ignoring them; valid options keep working.
import { Generator, ValueError } from '@mlblocks/core-tensor';
import {
  BatchNorm1d,
  BatchNorm2d,
  Embedding,
  GRU,
  GRUCell,
  Linear,
  LSTM,
  LSTMCell,
  MSELoss,
  RNN,
  RNNCell,
} from '@mlblocks/nn-layers';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { describe, expect, it } from 'vitest';

describe('layers reject unknown options', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'Linear { bias_: false }',
      () => new Linear(2, 3, { bias_: false } as never),
      /Linear: unknown option 'bias_' \(did you mean 'bias'\?\); valid options: generator, backend, bias/,
    ],
    [
      'Linear { dtype }',
      () => new Linear(2, 3, { dtype: 'float64' } as never),
      /Linear: unknown option 'dtype'/,
    ],
    [
      'Embedding { paddingIdx }',
      () => new Embedding(5, 2, { paddingIdx: 0 } as never),
      /Embedding: unknown option 'paddingIdx'/,
    ],
    [
      'BatchNorm1d { track_running_stats }',
      () => new BatchNorm1d(3, { track_running_stats: false } as never),
      /BatchNorm1d: unknown option 'track_running_stats'; valid options: eps, momentum, affine/,
    ],
    [
      'BatchNorm2d { epsilon }',
      () => new BatchNorm2d(3, { epsilon: 1e-3 } as never),
      /BatchNorm2d: unknown option 'epsilon'/,
    ],
    [
      'RNNCell { nonLinearity }',
      () => new RNNCell(2, 3, { non_linearity: 'relu' } as never),
      /did you mean 'nonlinearity'/,
    ],
    [
      'LSTMCell { nonlinearity }',
      () => new LSTMCell(2, 3, { nonlinearity: 'relu' } as never),
      /LSTMCell: unknown option 'nonlinearity'/,
    ],
    [
      'GRUCell { numLayers }',
      () => new GRUCell(2, 3, { numLayers: 2 } as never),
      /GRUCell: unknown option 'numLayers'/,
    ],
    [
      'RNN { num_layers }',
      () => new RNN(2, 3, { num_layers: 2 } as never),
      /RNN: unknown option 'num_layers' \(did you mean 'numLayers'\?\)/,
    ],
    ['LSTM { projSize }', () => new LSTM(2, 3, { projSize: 2 } as never), /LSTM: unknown option 'projSize'/],
    [
      'GRU { nonlinearity }',
      () => new GRU(2, 3, { nonlinearity: 'relu' } as never),
      /GRU: unknown option 'nonlinearity'/,
    ],
    ['MSELoss { reduce }', () => new MSELoss({ reduce: true } as never), /MSELoss: unknown option 'reduce'/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });

  it('valid options still reach the layer and its cells', () => {
    const lin = new Linear(2, 3, { bias: false, generator: new Generator(1) });
    expect(lin.bias).toBeNull();
    const rnn = new RNN(2, 3, {
      numLayers: 2,
      nonlinearity: 'relu',
      bias: false,
      generator: new Generator(2),
    });
    expect([rnn.nonlinearity, rnn.cells[1]!.biasIh]).toEqual(['relu', null]);
    const lstm = new LSTM(2, 3, { bidirectional: true, batchFirst: true, dropout: 0.1 });
    expect(lstm.cellsReverse).toHaveLength(1);
    expect(new BatchNorm1d(3, { affine: false, eps: 1e-3 }).weight).toBeNull();
  });

  it('loadSafetensors rejects unknown options before reading the file', async () => {
    await expect(loadSafetensors('/nonexistent.safetensors', { device: 'cpu' } as never)).rejects.toThrow(
      /loadSafetensors: unknown option 'device'; valid options: backend/,
    );
  });
});
