/** A submission problem the user can fix (bad CSV, invalid predictions, busy lock). */
export class SubmissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmissionError';
  }
}
