import type { z } from 'zod';

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** Turns a zod error into a short list a client can act on: where, and what is wrong. */
export function describeZodError(error: z.ZodError, limit = 20): FieldProblem[] {
  return error.issues.slice(0, limit).map((issue) => ({
    path: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
