import type { Finding } from './types';

/** Every string value of a `function` property anywhere inside a module (module.function, resolver.function, …). */
function collectFunctionRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectFunctionRefs(v, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'function' && typeof v === 'string') into.add(v);
      else collectFunctionRefs(v, into);
    }
  }
}

/**
 * A function key no module references is dead config that still ships (and would still need its scopes);
 * @forge/manifest only checks the opposite direction, so this check is ours.
 */
export function checkUnusedFunctions(modules: Record<string, unknown>): Finding[] {
  const functions = Array.isArray(modules.function) ? (modules.function as Array<{ key?: unknown }>) : [];
  const refs = new Set<string>();
  for (const [type, list] of Object.entries(modules)) if (type !== 'function') collectFunctionRefs(list, refs);
  return functions
    .map((f) => f.key)
    .filter((key): key is string => typeof key === 'string' && !refs.has(key))
    .map((key) => ({
      severity: 'error' as const,
      source: 'function-usage',
      message: `function "${key}" is not used by any module: remove it or reference it from a module`,
    }));
}
