export interface ExperimentGeneratorSchema {
  name: string;
  recipe?: 'tiny-bart' | 'tiny-t5' | 'tiny-lora' | 'kobart' | 'mt5' | 'qlora';
  description?: string;
  /** Grid values, `train.learning_rate=1e-5,3e-5,5e-5` (several keys separated by `;`). */
  sweep?: string | string[];
}
