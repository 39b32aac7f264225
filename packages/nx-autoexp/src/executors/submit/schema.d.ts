export interface SubmitExecutorSchema {
  experiment: string;
  configHash?: string;
}
