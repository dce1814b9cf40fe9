/** A damaged or missing experiment-store file; the message starts with the file and says what to do. */
export class StoreError extends Error {
  readonly code = 'ERR_STORE';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'StoreError';
  }
}
