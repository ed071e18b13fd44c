import { RelayError } from '../errors';

/** Refuses anything but `application/json` (parameters such as charset allowed) before reading the body. */
export function requireJsonContentType(header: string | undefined): void {
  const mediaType = header?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new RelayError('unsupported-media-type', 'content-type must be application/json');
  }
}

/**
 * Reads the raw body, never holding more than `maxBytes` (+ one chunk) in memory: a declared
 * Content-Length over the cap is refused before reading, and a chunked or lying body is cut off once
 * the running total passes the cap.
 */
export async function readRawBody(request: Request, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new RelayError('payload-too-large', `body exceeds ${maxBytes} bytes`, { maxBytes });
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) throw tooLarge();
    // Declared and small enough: the HTTP parser stops at Content-Length, so one buffered read is safe and
    // is far cheaper than a web stream on @hono/node-server. The re-check covers non-socket Requests.
    const body = Buffer.from(await request.arrayBuffer());
    if (body.byteLength > maxBytes) throw tooLarge();
    return body;
  }
  const stream = request.body;
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface JsonBody {
  /** The body as received, decoded: this text is what gets stored and forwarded. */
  readonly text: string;
  readonly value: unknown;
}

/** Strict UTF-8 then JSON.parse; either failing is the client's malformed body. */
export function parseJsonBody(raw: Uint8Array): JsonBody {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new RelayError('malformed-json', 'body is not valid UTF-8');
  }
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new RelayError('malformed-json', 'body is not valid JSON', { parser: error instanceof Error ? error.message : 'unknown' });
  }
}
