import type { WebTriggerResponse } from './web-trigger-types';
import { jsonResponse } from './web-trigger-types';

export type IngestErrorCode =
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_json'
  | 'invalid_body'
  | 'unqueueable_event'
  | 'unauthorized'
  | 'not_configured'
  | 'queue_unavailable';

const STATUS: Record<IngestErrorCode, number> = {
  method_not_allowed: 405,
  unsupported_media_type: 415,
  payload_too_large: 413,
  invalid_json: 400,
  invalid_body: 400,
  unqueueable_event: 422,
  unauthorized: 401,
  not_configured: 503,
  queue_unavailable: 503,
};

/** The one error the ingest web trigger raises; `toResponse` is the only place it becomes HTTP. */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'IngestError';
  }

  toResponse(): WebTriggerResponse {
    const retry: Record<string, string[]> = this.retryAfterSeconds === undefined ? {} : { 'Retry-After': [String(this.retryAfterSeconds)] };
    return jsonResponse(
      STATUS[this.code],
      { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } },
      retry,
    );
  }
}
