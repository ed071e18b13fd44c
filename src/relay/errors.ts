import type { FieldProblem } from '../shared/zod-error';

/** Every reason the relay refuses or fails a request; each maps to one HTTP status. */
export const relayErrorStatus = {
  unauthorized: 401,
  'bad-signature': 401,
  'stale-timestamp': 401,
  'not-found': 404,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'unsupported-content-encoding': 415,
  'malformed-json': 400,
  'invalid-body': 400,
  'json-too-deep': 400,
  'json-too-complex': 400,
  'forbidden-key': 400,
  'invalid-schema': 422,
  'outbox-unavailable': 503,
  internal: 500,
} as const;

export type RelayErrorCode = keyof typeof relayErrorStatus;
export type RelayErrorStatus = (typeof relayErrorStatus)[RelayErrorCode];

export type RelayErrorDetails = readonly FieldProblem[] | Readonly<Record<string, string | number | boolean>>;

/** The one error type the relay throws; `app.onError` turns it into `{error: {code, message, details?}}`. */
export class RelayError extends Error {
  readonly status: RelayErrorStatus;

  constructor(
    readonly code: RelayErrorCode,
    message: string,
    readonly details?: RelayErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RelayError';
    this.status = relayErrorStatus[code];
  }
}

export interface ErrorBody {
  readonly error: { readonly code: RelayErrorCode; readonly message: string; readonly details?: RelayErrorDetails };
}

export function errorBody(error: RelayError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}
