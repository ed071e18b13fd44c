/** The one way resolvers refuse input: `invalid-input` with the problems people can act on. */
import type { z } from 'zod';
import { describeZodError } from '../../../shared/zod-error';
import type { InputProblem, ResolverResult } from './contract';

const MAX_PROBLEMS = 50;

export function invalidInput<T>(problems: readonly InputProblem[], message = 'the input is not valid'): ResolverResult<T> {
  return { ok: false, error: { code: 'invalid-input', message, problems } };
}

/** A schema's complaints as problems, paths prefixed with where the value sat in the input (`rule.`). */
export function zodProblems(error: z.ZodError, prefix = ''): InputProblem[] {
  return describeZodError(error, MAX_PROBLEMS).map((p) => ({ ...p, path: prefix + p.path }));
}

export function invalidZodInput<T>(error: z.ZodError, prefix = ''): ResolverResult<T> {
  return invalidInput(zodProblems(error, prefix));
}
