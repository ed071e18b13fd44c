import { RelayError } from '../errors';
import { checkJsonShape, type JsonLimits } from './json-shape';

/**
 * Refuses, before reading the body, anything but `application/json` in UTF-8 (a charset parameter other than
 * utf-8 is refused, not guessed) sent without a content coding.
 */
export function requireJsonContentType(header: string | undefined): void {
  const [type, ...params] = (header ?? '').split(';');
  const mediaType = type?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new RelayError('unsupported-media-type', 'content-type must be application/json');
  }
  for (const param of params) {
    const [name, value] = param.split('=', 2).map((s) => s.trim().toLowerCase());
    if (name === 'charset' && value?.replace(/^"|"$/g, '') !== 'utf-8' && value?.replace(/^"|"$/g, '') !== 'utf8') {
      throw new RelayError('unsupported-media-type', `charset must be utf-8, got "${value ?? ''}"`);
    }
  }
}

/**
 * Only identity bodies. Neither Alertmanager's webhook notifier nor Impact compresses its webhooks, so a
 * declared gzip/deflate/br body is refused rather than decoded: decoding would add a decompression-bomb
 * surface and leave open whether an Impact signature covers the compressed or the decoded bytes, for no
 * sender that needs it. Storing such a body as if it were plain JSON (the old behaviour) is never right.
 */
export function requireIdentityEncoding(header: string | undefined): void {
  if (header === undefined) return;
  const codings = header.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  const other = codings.find((c) => c !== 'identity');
  if (other !== undefined) {
    throw new RelayError('unsupported-content-encoding', `content-encoding "${other.slice(0, 40)}" is not supported; send the JSON uncompressed`, {
      contentEncoding: other.slice(0, 40),
    });
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

/** Strict UTF-8, JSON.parse, then the shape limits; any failing is the client's bad body (4xx). */
export function parseJsonBody(raw: Uint8Array, limits: JsonLimits): JsonBody {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new RelayError('malformed-json', 'body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new RelayError('malformed-json', 'body is not valid JSON', { parser: error instanceof Error ? error.message : 'unknown' });
  }
  checkJsonShape(value, limits);
  return { text, value };
}
