/** Forge's web trigger request/response shapes (`@forge/api` WebTriggerRequest/Response, header values are arrays). */
export interface WebTriggerRequest {
  readonly method: string;
  readonly body: string;
  readonly path: string;
  readonly headers: Record<string, string[] | undefined>;
  readonly queryParameters: Record<string, string[] | undefined>;
}

export interface WebTriggerResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string[]>;
  readonly body: string;
}

export function header(request: WebTriggerRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(request.headers)) {
    if (key.toLowerCase() === wanted) return values?.[0];
  }
  return undefined;
}

export function jsonResponse(statusCode: number, body: unknown, extraHeaders: Record<string, string[]> = {}): WebTriggerResponse {
  return { statusCode, headers: { 'Content-Type': ['application/json'], ...extraHeaders }, body: JSON.stringify(body) };
}
