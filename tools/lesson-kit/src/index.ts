/**
 * lesson-kit — what the lesson apps share (a private helper in tools/, not a lesson): the backend
 * switch, image data and loaders, the classifier's epoch loop with its evaluation, history and log
 * lines, the training progress bar, the common CLI flags, metrics and plots rendered from
 * Vega-Lite specs. The lessons' own steps (forward, loss, backward, step) stay in the apps.
 */
export { randomShift } from './augment.js';
export {
  BACKEND_CHOICES,
  BACKEND_HELP,
  type BackendChoice,
  type SelectedBackend,
  selectBackend,
} from './backend.js';
export { type CurvePoint, confusionMatrixSpec, learningCurveSpec } from './charts.js';
export {
  addBackendOptions,
  addDataOptions,
  addEpochOptions,
  addOutputOptions,
  addScheduleOption,
  type FlagsOf,
  formatPercent,
  formatSeconds,
  fraction,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  type RunOptions,
  runCommand,
  runOptionsFrom,
  SCHEDULES,
  type Schedule,
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
export { reportConfusionMatrix, reportResult, reportWritten, writeClassifierPlots } from './report.js';
export {
  type ClassifierRun,
  type ClassifierTraining,
  type EpochStats,
  type ImageLoader,
  type TrainingStep,
  trainClassifier,
  trainClassifierEpoch,
} from './training.js';
