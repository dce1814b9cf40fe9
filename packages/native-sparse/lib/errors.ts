/** Stable error codes thrown by the addon and by the few checks in this package's TypeScript. */
export const ErrorCodes = [
  'ERR_SHAPE',
  'ERR_DTYPE',
  'ERR_DEVICE',
  'ERR_CUDA',
  'ERR_NO_CUDA',
  'ERR_DISPOSED',
  'ERR_ARG',
  'ERR_NAN',
  'ERR_OOM',
  'ERR_ALIAS',
  'ERR_NATIVE',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

/** An error with a stable `.code`; native errors arrive as plain Errors with the same `.code`. */
export class LthError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LthError';
    this.code = code;
  }
}

export function isLthError(e: unknown): e is Error & { code: ErrorCode } {
  const code: unknown = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (ErrorCodes as readonly string[]).includes(code);
}
