import { RelayError } from '../errors';

/** How complex an accepted JSON body may be; checked after parsing, before validation or storage. */
export interface JsonLimits {
  /** Deepest nesting of objects/arrays (the root object is depth 1). Alertmanager bodies are 4 deep. */
  readonly maxDepth: number;
  /** Most keys in one object (labels and annotations of one alert are objects). */
  readonly maxObjectKeys: number;
  /** Most values (objects, arrays, scalars) in the whole body. */
  readonly maxValues: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxObjectKeys: 1000, maxValues: 500_000 };

/**
 * Keys that mean something to JavaScript objects. JSON.parse makes them plain own properties, but code
 * that later spreads, assigns or merges such an object (here or in the app) can change prototypes.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks the parsed body without recursion (a 6,000-deep body must not overflow this stack either) and
 * refuses it with a 400 naming the first problem and where it is.
 */
export function checkJsonShape(root: unknown, limits: JsonLimits): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 1, path: '$' }];
  let values = 0;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    values += 1;
    if (values > limits.maxValues) {
      throw new RelayError('json-too-complex', `body has more than ${limits.maxValues} JSON values`, { maxValues: limits.maxValues });
    }
    const { value, depth, path } = item;
    if (value === null || typeof value !== 'object') continue;
    if (depth > limits.maxDepth) {
      throw new RelayError('json-too-deep', `body nests deeper than ${limits.maxDepth} levels (at ${path})`, { maxDepth: limits.maxDepth, path });
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i] as unknown, depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > limits.maxObjectKeys) {
      throw new RelayError('json-too-complex', `an object has ${keys.length} keys, more than ${limits.maxObjectKeys} (at ${path})`, {
        maxObjectKeys: limits.maxObjectKeys,
        path,
      });
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] ?? '';
      const at = `${path}.${key.length > 64 ? key.slice(0, 64) + '…' : key}`;
      if (FORBIDDEN_KEYS.has(key)) throw new RelayError('forbidden-key', `key "${key}" is not allowed (at ${at})`, { key, path: at });
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: at });
    }
  }
}
