export interface InferExecutorSchema {
  experiment: string;
  configHash?: string;
  /** Run only this strategy (e.g. to retry `conservative` alone). */
  strategy?: string;
}
