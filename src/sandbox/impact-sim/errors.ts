/** One error type for the simulator's HTTP surface, rendered as the contract's `{error: {code, message, details?}}`. */
import type { z } from 'zod';
import type { ImpactApiError } from '../../shared/impact/api';
import { describeZodError, type FieldProblem } from '../../shared/zod-error';

export type ImpactErrorCode = ImpactApiError['error']['code'];

const STATUS: Record<ImpactErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_request: 422,
  rate_limited: 429,
  unavailable: 503,
};

export class ImpactApiFailure extends Error {
  readonly status: number;

  constructor(
    readonly code: ImpactErrorCode,
    message: string,
    readonly details?: readonly FieldProblem[],
    readonly headers: Readonly<Record<string, string>> = {},
    status?: number,
  ) {
    super(message);
    this.name = 'ImpactApiFailure';
    this.status = status ?? STATUS[code];
  }

  body(): ImpactApiError {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details.map((d) => ({ ...d })) } : {}) } };
  }
}

/** The contract's error code for an HTTP status (used by injected status faults). */
export function codeForStatus(status: number): ImpactErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'invalid_request';
}

export const notFound = (id: string): ImpactApiFailure => new ImpactApiFailure('not_found', `no incident ${id}`);

export const invalidRequest = (message: string, details?: readonly FieldProblem[]): ImpactApiFailure =>
  new ImpactApiFailure('invalid_request', message, details);

/** Parses with zod or throws a 422 naming every bad path. */
export function parseOrFail<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(`${what} is invalid`, describeZodError(result.error));
  return result.data;
}

/** Thrown by a "drop" fault: the HTTP server destroys the socket; in-process callers see a rejected request. */
export class ImpactConnectionDrop extends Error {
  constructor(readonly route: string) {
    super(`impact-sim: connection dropped by fault injection on ${route}`);
    this.name = 'ImpactConnectionDrop';
  }
}
