import type { LanguageModel } from '../train/trainer.js';
import type { LMConfig } from './config.js';
import { RecurrentLM } from './recurrent.js';
import { FixedWindowLM, type ModelOptions } from './window.js';

/**
 * Builds the model a config describes, its weights drawn from `options.seed`.
 *
 * @example
 * const model = createModel(lmConfig({ model: 'gru', vocabSize: 65, level: 'char', embeddingDim: 0 }), { seed: 1 });
 */
export function createModel(config: LMConfig, options: ModelOptions = {}): LanguageModel {
  return config.model === 'window' ? new FixedWindowLM(config, options) : new RecurrentLM(config, options);
}
