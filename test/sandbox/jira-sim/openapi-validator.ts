/**
 * Response validation against the pinned Jira Cloud platform OpenAPI 3.0 spec, built on ajv.
 *
 * - The spec file is read once per process and never modified; the known defect at
 *   `components.schemas.Fields.properties.issuetype` (a `$ref` with sibling keywords) is patched in memory
 *   into the `allOf: [$ref]` form the rest of the spec uses.
 * - OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `null` alternative; `discriminator`, `xml`,
 *   `example` and `x-*` are annotations; unknown formats (int32, int64, double, ...) are ignored.
 * - `date-time` accepts RFC 3339 and Jira's own `2026-11-23T06:14:48.106+0000` (offset without a colon),
 *   which is what Jira Cloud actually returns for fields the spec declares as date-time.
 * - Only the schemas a test touches are compiled (ajv compiles `$ref`s lazily per root), and cached.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const JIRA_SPEC_PATH = path.resolve(__dirname, '../../../../shared/jira/jira-platform-v3.openapi.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  readonly template: string;
  readonly method: string;
  readonly responses: JsonObject;
  readonly requestBody?: Json;
}

export interface ValidationResult {
  readonly ok: boolean;
  readonly errors: string[];
  readonly operation?: string;
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI 3.0 schema → draft-07 JSON Schema, recursively (only what ajv would otherwise misread). */
function convert(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(convert);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'discriminator' || key === 'xml' || key === 'example' || key === 'nullable' || key.startsWith('x-')) continue;
    // `properties` maps names to schemas: never treat a property *named* like a keyword as one.
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convert(sub)]));
    } else {
      out[key] = convert(value);
    }
  }
  if (schema['nullable'] === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

const JIRA_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i;

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(spec: JsonObject) {
    const components = isObject(spec['components']) ? spec['components'] : {};
    const schemas = isObject(components['schemas']) ? components['schemas'] : {};
    const fields = schemas['Fields'];
    if (isObject(fields) && isObject(fields['properties'])) {
      const bad = fields['properties']['issuetype'];
      if (isObject(bad) && typeof bad['$ref'] === 'string') {
        fields['properties']['issuetype'] = { allOf: [{ $ref: bad['$ref'] }], description: bad['description'] ?? null, readOnly: true };
      }
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addFormat('date-time', JIRA_DATE_TIME);
    for (const name of ['int32', 'int64', 'double', 'float', 'binary', 'byte', 'url']) this.ajv.addFormat(name, true);
    this.ajv.addSchema({ $id: 'jira', components: { schemas: convert(schemas) } } as object);

    const paths = isObject(spec['paths']) ? spec['paths'] : {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      for (const [method, op] of Object.entries(item)) {
        if (isObject(op) && isObject(op['responses'])) this.operations.push({ template, method: method.toUpperCase(), responses: op['responses'], ...(op['requestBody'] === undefined ? {} : { requestBody: op['requestBody'] }) });
      }
    }
  }

  /** Finds the operation by method and concrete path; literal segments beat `{params}` like a router does. */
  findOperation(method: string, concretePath: string): Operation | undefined {
    const segments = concretePath.split('?')[0]?.split('/') ?? [];
    let best: { op: Operation; literals: number } | undefined;
    for (const op of this.operations) {
      if (op.method !== method.toUpperCase()) continue;
      const parts = op.template.split('/');
      if (parts.length !== segments.length) continue;
      let literals = 0;
      const ok = parts.every((part, i) => {
        if (/^\{[^}]+\}$/.test(part)) return (segments[i] ?? '').length > 0;
        literals += 1;
        return part === segments[i];
      });
      if (ok && (!best || literals > best.literals)) best = { op, literals };
    }
    return best?.op;
  }

  private validatorFor(operation: Operation, status: string, schema: Json): ValidateFunction {
    const key = `${operation.method} ${operation.template} ${status}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rewritten = JSON.parse(JSON.stringify(convert(schema)).replace(/"#\/components\//g, '"jira#/components/')) as object;
    const compiled = this.ajv.compile(rewritten);
    this.cache.set(key, compiled);
    return compiled;
  }

  /** Checks that `status` is declared for the operation and that `body` matches its JSON schema (if any). */
  validate(method: string, concretePath: string, status: number, body: unknown): ValidationResult {
    const operation = this.findOperation(method, concretePath);
    if (!operation) return { ok: false, errors: [`no operation ${method} ${concretePath} in the spec`] };
    const name = `${operation.method} ${operation.template}`;
    const declared = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses['default'];
    if (declared === undefined) return { ok: false, operation: name, errors: [`status ${status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`] };
    const content = isObject(declared) && isObject(declared['content']) ? declared['content'] : undefined;
    const media = content?.['application/json'] ?? (content ? Object.values(content)[0] : undefined);
    const schema = isObject(media) ? media['schema'] : undefined;
    if (schema === undefined || (isObject(schema) && Object.keys(schema).length === 0)) return { ok: true, operation: name, errors: [] };
    const validate = this.validatorFor(operation, String(status), schema);
    if (validate(body)) return { ok: true, operation: name, errors: [] };
    return {
      ok: false,
      operation: name,
      errors: (validate.errors ?? []).slice(0, 15).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`),
    };
  }

  /**
   * Checks a request body (what a client sends) against the operation's `requestBody` JSON schema. The spec
   * marks server-set fields `readOnly`; ajv does not enforce that, so this checks shape, names and types.
   */
  validateRequest(method: string, concretePath: string, body: unknown): ValidationResult {
    const operation = this.findOperation(method, concretePath);
    if (!operation) return { ok: false, errors: [`no operation ${method} ${concretePath} in the spec`] };
    const name = `${operation.method} ${operation.template}`;
    const declared = operation.requestBody;
    const content = isObject(declared) && isObject(declared['content']) ? declared['content'] : undefined;
    const media = content?.['application/json'];
    const schema = isObject(media) ? media['schema'] : undefined;
    if (schema === undefined) return { ok: false, operation: name, errors: ['the operation declares no JSON request body'] };
    const validate = this.validatorFor(operation, 'request', schema);
    if (validate(body)) return { ok: true, operation: name, errors: [] };
    return { ok: false, operation: name, errors: (validate.errors ?? []).slice(0, 15).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`) };
  }

  /** Reads a Response's body and validates it; throws with the details when it does not conform. */
  async check(method: string, concretePath: string, response: Response): Promise<unknown> {
    const text = await response.text();
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${method} ${concretePath} → ${response.status}: body is not JSON: ${text.slice(0, 200)}`);
      }
    }
    const result = this.validate(method, concretePath, response.status, body);
    if (!result.ok) throw new Error(`${method} ${concretePath} → ${response.status} does not match ${result.operation ?? 'the spec'}:\n  ${result.errors.join('\n  ')}`);
    return body;
  }
}

let shared: OpenApiValidator | undefined;

/** One validator per test process: parsing the 2.4 MB spec once keeps suites fast. */
export function jiraSpecValidator(): OpenApiValidator {
  if (!shared) shared = new OpenApiValidator(JSON.parse(readFileSync(JIRA_SPEC_PATH, 'utf8')) as JsonObject);
  return shared;
}

export const JIRA_SOFTWARE_SPEC_PATH = path.resolve(__dirname, '../../../../shared/jira/jira-software.openapi.json');

let software: OpenApiValidator | undefined;

/** The pinned Jira Software (agile) spec, for `/rest/agile/1.0` responses. */
export function jiraSoftwareSpecValidator(): OpenApiValidator {
  if (!software) software = new OpenApiValidator(JSON.parse(readFileSync(JIRA_SOFTWARE_SPEC_PATH, 'utf8')) as JsonObject);
  return software;
}
