/** Recurrent cells (RNNCell, LSTMCell, GRUCell) and layers (RNN, LSTM, GRU). */
export {
  GRUCell,
  LSTMCell,
  RecurrentCell,
  type RecurrentCellOptions,
  RNNCell,
  type RNNCellOptions,
} from './cells.js';
export { type CellWeights, gruCell, lstmCell, type RNNNonlinearity, rnnCell } from './functional.js';
export {
  GRU,
  LSTM,
  RecurrentLayer,
  type RecurrentLayerOptions,
  RNN,
  type RNNOptions,
  type SequenceOptions,
  torchParameterName,
} from './layers.js';
