export interface ExperimentGeneratorSchema {
  name: string;
  recipe?: 'tiny-bart' | 'tiny-t5' | 'tiny-lora' | 'kobart' | 'mt5' | 'qlora';
  description?: string;
}
