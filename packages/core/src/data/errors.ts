/** A data file or data source problem, with the file it is about and what is wrong. */
export class DataError extends Error {
  readonly code = 'ERR_DATA';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'DataError';
  }
}
