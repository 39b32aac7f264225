import { AutoexpError } from '../errors/autoexp-error';

/** A submission problem the user can fix (bad CSV, invalid predictions, busy lock). */
export class SubmissionError extends AutoexpError {
  constructor(message: string) {
    super(message);
  }
}
