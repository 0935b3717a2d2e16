/**
 * lesson-kit — what the lesson apps share: the backend switch, the training progress bar, CLI
 * option parsers, metrics and plots rendered from Vega-Lite specs.
 */
export {
  BACKEND_CHOICES,
  BACKEND_HELP,
  type BackendChoice,
  type SelectedBackend,
  selectBackend,
} from './backend.js';
export { type CurvePoint, confusionMatrixSpec, learningCurveSpec } from './charts.js';
export {
  formatSeconds,
  fraction,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
} from './cli.js';
export { type Evaluation, evaluateClassifier } from './evaluate.js';
export {
  type EpochRecord,
  type History,
  learningCurvePoints,
  smoothedBatchLosses,
} from './history.js';
export { type ImageData, imageLoader, loadImageData } from './images.js';
export { accuracyOf, confusionMatrix, formatConfusionMatrix } from './metrics.js';
export { type PlotFiles, renderSvg, type TopLevelSpec, writePlot } from './plots.js';
export { type ProgressValues, type TrainingProgress, trainingProgress } from './progress.js';
