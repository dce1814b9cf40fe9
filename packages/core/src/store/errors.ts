/**
 * A damaged or missing experiment-store file; the message starts with the file and says what to do, on one line
 * (a quoted snippet of the damaged file, as JSON.parse puts in its message, may hold line breaks).
 */
export class StoreError extends Error {
  readonly code = 'ERR_STORE';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super((file ? `${file}: ${message}` : message).replace(/\s*\n\s*/g, ' '));
    this.name = 'StoreError';
  }
}
