import Ajv from 'ajv';

/**
 * @forge/manifest builds one processor per validation type and each compiles the same 1 MB manifest
 * schema in its own Ajv instance (~4 s each, five of them per run). All those instances are configured
 * alike, so we let them share one compiled validator per schema. The schema JSON is re-wrapped per importing
 * module, so the key is its `properties` object, which the wrappers share.
 */
type Compile = (this: Ajv, schema: object, meta?: boolean) => ReturnType<Ajv['compile']>;

let installed = false;

export function shareSchemaCompilation(): void {
  if (installed) return;
  installed = true;
  const original = Ajv.prototype.compile as unknown as Compile;
  const compiled = new WeakMap<object, ReturnType<Ajv['compile']>>();
  const patched: Compile = function compile(this: Ajv, schema, meta) {
    const key = (schema as { properties?: unknown }).properties;
    if (key === null || typeof key !== 'object') return original.call(this, schema, meta);
    const hit = compiled.get(key);
    if (hit) return hit;
    const fn = original.call(this, schema, meta);
    compiled.set(key, fn);
    return fn;
  };
  Ajv.prototype.compile = patched as unknown as Ajv['compile'];
}
