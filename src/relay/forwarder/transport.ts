import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What the forwarder needs from one POST to the web trigger. */
export interface TriggerResponse {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
}

/** One signed POST to the web trigger; rejects only when no HTTP answer came (network error, timeout). */
export type PostToTrigger = (url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number) => Promise<TriggerResponse>;

/** Over a WHATWG `fetch` (tests inject one that routes to an in-process web trigger or injects faults). */
export function fetchTransport(fetchImpl: typeof fetch): PostToTrigger {
  return async (url, headers, body, timeoutMs) => {
    const response = await fetchImpl(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text().catch(() => '');
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text };
  };
}

/** Answers longer than this are cut (an ack lists at most 50 ids; anything bigger is an error page). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Over `node:http`/`node:https` with one keep-alive agent per process: the production transport. Node's global
 * fetch (undici) cost the relay about 40 MB of peak RSS and a fifth of its CPU per ack in the relay bench
 * (`npm run bench -- relay`, README), for one POST to one host.
 */
export function nodeHttpTransport(): { readonly post: PostToTrigger; close(): void } {
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 4 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 4 }) };
  const post: PostToTrigger = (url, headers, body, timeoutMs) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const payload = Buffer.from(body, 'utf8');
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        { method: 'POST', agent: secure ? agents.https : agents.http, headers: { ...headers, 'content-length': String(payload.byteLength) } },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.byteLength;
            if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
          });
          res.on('end', () => {
            clearTimeout(timer);
            const retryAfter = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`web trigger did not answer within ${timeoutMs} ms`)), timeoutMs);
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(error);
      }
      req.on('error', fail);
      req.end(payload);
    });
  return {
    post,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
