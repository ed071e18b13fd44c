import { z } from 'zod';
import type { ManifestWebTrigger } from './manifest';
import type { InvocationResult } from './invoker';

/** Forge's web trigger request (@forge/api WebTriggerRequest): header and query values are arrays. */
export interface WebTriggerRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly headers: Record<string, string[]>;
  readonly queryParameters: Record<string, string[]>;
  readonly context: { readonly cloudId: string; readonly moduleKey: string };
}

const dynamicResponseSchema = z.object({
  statusCode: z.number().int().min(100).max(599),
  statusText: z.string().optional(),
  headers: z.record(z.string(), z.array(z.string())).optional(),
  body: z.string().optional(),
});
const staticResponseSchema = z.object({ outputKey: z.string() });

export async function toWebTriggerRequest(request: Request, cloudId: string, moduleKey: string): Promise<WebTriggerRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string[]> = {};
  request.headers.forEach((value, name) => {
    // Fetch joins repeated headers with ", "; Forge hands them over as a list.
    headers[name.toLowerCase()] = name.toLowerCase() === 'set-cookie' ? [value] : value.split(/,\s*/);
  });
  const queryParameters: Record<string, string[]> = {};
  url.searchParams.forEach((value, name) => {
    (queryParameters[name] ??= []).push(value);
  });
  return { method: request.method, path: url.pathname, body: await request.text(), headers, queryParameters, context: { cloudId, moduleKey } };
}

const platformError = (): Response => new Response(JSON.stringify({ message: 'Internal server error' }), { status: 500, headers: { 'content-type': 'application/json' } });

/** Maps what the handler returned to the HTTP answer; anything malformed is a 500, as on Forge. */
export function toHttpResponse(trigger: ManifestWebTrigger, result: InvocationResult): Response {
  if (result.kind !== 'ok') return platformError();
  if (trigger.response?.type === 'static') {
    const parsed = staticResponseSchema.safeParse(result.value);
    const output = parsed.success ? trigger.response.outputs?.find((o) => o.key === parsed.data.outputKey) : undefined;
    if (!output) return platformError();
    return new Response(output.body ?? null, { status: output.statusCode, headers: output.contentType ? { 'content-type': output.contentType } : {} });
  }
  const parsed = dynamicResponseSchema.safeParse(result.value);
  if (!parsed.success) return platformError();
  const headers = new Headers();
  for (const [name, values] of Object.entries(parsed.data.headers ?? {})) for (const v of values) headers.append(name, v);
  const noBody = parsed.data.statusCode === 204 || parsed.data.statusCode === 304;
  return new Response(noBody ? null : (parsed.data.body ?? ''), { status: parsed.data.statusCode, ...(parsed.data.statusText ? { statusText: parsed.data.statusText } : {}), headers });
}
