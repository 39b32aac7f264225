export interface TrainExecutorSchema {
  experiment: string;
  /** Hash of the train-relevant config sections; set by the plugin so Nx's cache key follows the config. */
  configHash?: string;
}
