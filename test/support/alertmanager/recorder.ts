import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook call an Alertmanager replica made, and what the target (the relay) answered. */
export interface RecordedDelivery {
  readonly seq: number;
  readonly replica: number;
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
  readonly body: unknown;
  readonly status: number;
  /** The target's JSON answer (the relay's `{accepted, id, duplicate}`), or its text if not JSON. */
  readonly answer: unknown;
}

export interface WebhookRecorder {
  readonly url: string;
  /** The URL to give replica `i` as its webhook URL, so each call is attributed to its sender. */
  urlFor(replica: number): string;
  deliveries(): readonly RecordedDelivery[];
  close(): Promise<void>;
}

export interface WebhookRecorderOptions {
  /** Where to forward each call (e.g. `${relay}/v1/alertmanager`). */
  readonly targetUrl: string;
  readonly clock?: () => number;
}

const FORWARDED_HEADERS = ['authorization', 'content-type', 'user-agent'] as const;

/**
 * A loopback pass-through between Alertmanager and the relay: Alertmanager's calls reach the relay
 * unchanged (same bytes, same auth), and the test learns which replica sent what and the relay's answer.
 */
export async function startWebhookRecorder(options: WebhookRecorderOptions): Promise<WebhookRecorder> {
  const clock = options.clock ?? Date.now;
  const recorded: RecordedDelivery[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = /^\/replica\/(\d+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const receivedAt = clock();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const response = await fetch(options.targetUrl, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    recorded.push({ seq: recorded.length, replica: Number(match[1]), receivedAt, headers, rawBody, body: parseJson(rawBody), status: response.status, answer: parseJson(text) ?? text });
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' }).end(text);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502).end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    urlFor: (replica) => `${url}/replica/${replica}`,
    deliveries: () => [...recorded],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
