/** An ONNX export or verification that cannot be done as asked (wrong input shape, unknown layer, bad file). */
export class OnnxExportError extends Error {
  readonly code = 'ERR_EXPORT';
  constructor(message: string) {
    super(`ONNX export: ${message}`);
    this.name = 'OnnxExportError';
  }
}
