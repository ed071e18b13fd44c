import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fetchTransport, nodeHttpTransport, type PostToTrigger, type TriggerResponse } from '../../src/relay/forwarder/transport';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

interface TestServer {
  readonly url: string;
  readonly port: number;
  /** Connections the server accepted. */
  readonly connections: Socket[];
  /** Requests as received: method, headers, body. */
  readonly received: { readonly method: string | undefined; readonly headers: IncomingMessage['headers']; readonly body: string }[];
  handle: Handler;
  close(): Promise<void>;
}

/** A real HTTP server on loopback; `handle` answers each request once its body has been read. */
async function startServer(handle: Handler): Promise<TestServer> {
  const connections: Socket[] = [];
  const received: TestServer['received'][number][] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method, headers: req.headers, body: body.toString('utf8') });
      test.handle(req, body, res);
    });
  });
  server.on('connection', (socket: Socket) => connections.push(socket));
  // Idle keep-alive connections stay open as long as a test runs (Node's default drops them after 5 s).
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const test: TestServer = {
    url: `http://127.0.0.1:${port}/x/webtrigger?a=1`,
    port,
    connections,
    received,
    handle,
    close: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  servers.push(test);
  return test;
}

const answer =
  (status: number, text: string, headers: Record<string, string> = {}): Handler =>
  (_req, _body, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };

const HEADERS = { 'content-type': 'application/json', 'x-relay-signature': 'v1=abc' } as const;
const BODY = JSON.stringify({ events: [{ id: '01J', note: 'naïve – ünïcödé' }] });

const servers: TestServer[] = [];
let server: TestServer;
let transport: ReturnType<typeof nodeHttpTransport>;
beforeEach(() => {
  transport = nodeHttpTransport();
});
afterEach(async () => {
  transport.close();
  for (const s of servers.splice(0)) await s.close();
});

describe('nodeHttpTransport against a real node:http server', () => {
  it.each<[string, number, string, Record<string, string>, TriggerResponse['retryAfter']]>([
    ['accepted', 202, '{"accepted":["01J"]}', {}, null],
    ['ok with retry-after', 200, '{}', { 'retry-after': '7' }, '7'],
    ['too many requests', 429, '{"error":"rate limited"}', { 'retry-after': 'Wed, 09 Dec 2026 10:00:00 GMT' }, 'Wed, 09 Dec 2026 10:00:00 GMT'],
    ['bad request', 400, '{"error":"event e1 can never be queued: depth"}', {}, null],
    ['payload too large', 413, 'too large', {}, null],
    ['server error', 500, '<html>boom</html>', {}, null],
    ['unavailable', 503, '{"error":"down"}', { 'retry-after': '30' }, '30'],
    ['no content', 204, '', {}, null],
  ])('passes %s (%i) through: status, text and retry-after, without throwing', async (_name, status, text, headers, retryAfter) => {
    server = await startServer(answer(status, text, headers));
    await expect(transport.post(server.url, HEADERS, BODY, 5000)).resolves.toEqual({ status, text, retryAfter });
    expect(server.received).toEqual([
      {
        method: 'POST',
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-relay-signature': 'v1=abc', 'content-length': String(Buffer.byteLength(BODY)) }),
        body: BODY,
      },
    ]);
    expect(server.received[0]?.headers['transfer-encoding']).toBeUndefined();
  });

  it('rejects when the connection is refused', async () => {
    server = await startServer(answer(202, '{}'));
    const { url } = server;
    await server.close();
    await expect(transport.post(url, HEADERS, BODY, 5000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects after the timeout when the server never answers', async () => {
    server = await startServer(() => undefined);
    await expect(transport.post(server.url, HEADERS, BODY, 200)).rejects.toThrow('web trigger did not answer within 200 ms');
    expect(server.received).toHaveLength(1);
  });

  it('rejects after the timeout when the server sends headers and part of the body, then stalls', async () => {
    server = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"accepted":[');
    });
    await expect(transport.post(server.url, HEADERS, BODY, 200)).rejects.toThrow();
  });

  it('rejects when the server drops the connection in the middle of its answer', async () => {
    server = await startServer((req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"accepted":[', () => req.socket.destroy());
    });
    await expect(transport.post(server.url, HEADERS, BODY, 5000)).rejects.toThrow();
  });

  it('rejects when the server drops the connection without an answer', async () => {
    server = await startServer((req) => req.socket.destroy());
    await expect(transport.post(server.url, HEADERS, BODY, 5000)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('reuses one keep-alive connection for sequential posts, also after an error status', async () => {
    server = await startServer(answer(202, '{}'));
    for (let i = 0; i < 5; i++) expect((await transport.post(server.url, HEADERS, BODY, 5000)).status).toBe(202);
    server.handle = answer(503, '{"error":"down"}');
    expect((await transport.post(server.url, HEADERS, BODY, 5000)).status).toBe(503);
    server.handle = answer(202, '{}');
    expect((await transport.post(server.url, HEADERS, BODY, 5000)).status).toBe(202);
    expect(server.received).toHaveLength(7);
    expect(server.connections).toHaveLength(1);
  });

  // Whether the process can exit is not what close() decides: Node's Agent unrefs idle keep-alive sockets
  // (keepSocketAlive), so a child process that posts and never calls close() exits as soon as it is idle too.
  it('destroys its keep-alive connections on close()', async () => {
    server = await startServer(answer(202, '{}'));
    await transport.post(server.url, HEADERS, BODY, 5000);
    const [socket] = server.connections;
    expect(socket?.destroyed).toBe(false);
    const closed = once(socket as Socket, 'close');
    transport.close();
    await closed;
  });

  it('cuts an answer bigger than 1 MiB instead of buffering it whole, and the connection stays usable', async () => {
    const MiB = 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    server = await startServer((_req, _body, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      // 3 MiB of error page in chunks, written as the client reads it.
      let left = 48;
      const write = (): void => {
        while (left > 0) {
          left -= 1;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      write();
    });
    const response = await transport.post(server.url, HEADERS, BODY, 10_000);
    expect(response.status).toBe(500);
    expect(response.text.length).toBeGreaterThan(0);
    expect(response.text.length).toBeLessThanOrEqual(MiB);
    expect(response.text).toMatch(/^x+$/);
    server.handle = answer(202, '{}');
    expect((await transport.post(server.url, HEADERS, BODY, 5000)).status).toBe(202);
  });
});

describe('fetchTransport over globalThis.fetch', () => {
  const cases: [number, string, Record<string, string>][] = [
    [202, '{"accepted":["01J"]}', {}],
    [200, '{}', { 'retry-after': '7' }],
    [400, '{"error":"event e1 can never be queued: depth"}', {}],
    [500, '<html>boom ✗</html>', {}],
    [503, '{"error":"down"}', { 'retry-after': '30' }],
    [204, '', {}],
  ];

  it('gives the same TriggerResponse as nodeHttpTransport for the same server', async () => {
    let next = 0;
    server = await startServer((_req, _body, res) => {
      const [status, text, headers] = cases[next] ?? [0, '', {}];
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    });
    const viaFetch: PostToTrigger = fetchTransport(globalThis.fetch);
    for (const [i, [status, text, headers]] of cases.entries()) {
      next = i;
      const a = await transport.post(server.url, HEADERS, BODY, 5000);
      const b = await viaFetch(server.url, HEADERS, BODY, 5000);
      expect(b).toEqual(a);
      expect(a).toEqual({ status, text, retryAfter: headers['retry-after'] ?? null });
    }
    // Both sent the same request.
    const [first, second] = server.received;
    expect(second?.body).toBe(first?.body);
    expect(second?.headers['content-length']).toBe(first?.headers['content-length']);
    expect(second?.headers['x-relay-signature']).toBe(first?.headers['x-relay-signature']);
  });

  it('rejects like nodeHttpTransport when the server never answers or refuses the connection', async () => {
    server = await startServer(() => undefined);
    const viaFetch = fetchTransport(globalThis.fetch);
    await expect(viaFetch(server.url, HEADERS, BODY, 200)).rejects.toThrow();
    const { url } = server;
    await server.close();
    await expect(viaFetch(url, HEADERS, BODY, 5000)).rejects.toThrow();
  });
});
