import type { z } from 'zod';
import { describeZodError } from '../../shared/zod-error';
import { RelayError } from '../errors';

/** Parses with `schema` or throws a 422 listing the field problems. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new RelayError('invalid-schema', `body is not a valid ${what}`, describeZodError(result.error));
  }
  return result.data;
}
