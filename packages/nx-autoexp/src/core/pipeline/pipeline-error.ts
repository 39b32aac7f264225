import { AutoexpError } from '../errors/autoexp-error';

/** A step failed for a reason the user can fix: printed as-is (no stack), with what to do. */
export class PipelineError extends AutoexpError {
  constructor(
    public readonly problem: string,
    public readonly hint?: string,
    public readonly detail?: string,
  ) {
    super([problem, detail ? detail : null, hint ? `fix: ${hint}` : null].filter(Boolean).join('\n'));
  }
}
