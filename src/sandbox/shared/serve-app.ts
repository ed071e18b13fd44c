/** Serves a simulator's Hono app over HTTP (port 0 picks a free one); a "drop" fault resets the socket. */
import { serve, type HttpBindings, type Http2Bindings } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

export interface ServeOptions {
  readonly port?: number;
  readonly host?: string;
}

export interface ServedSimulator {
  readonly url: string;
  close(): Promise<void>;
}

export interface ServableApp {
  fetch(request: Request, env: HttpBindings | Http2Bindings): Response | Promise<Response>;
}

export function serveSimulatorApp(app: ServableApp, isConnectionDrop: (error: unknown) => boolean, defaultPort: number, options: ServeOptions = {}): Promise<ServedSimulator> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        hostname: host,
        port: options.port ?? defaultPort,
        fetch: async (request: Request, env: HttpBindings | Http2Bindings) => {
          try {
            return await app.fetch(request, env);
          } catch (error) {
            // A "drop" fault: the client sees the connection reset, never a response.
            if (isConnectionDrop(error)) env.incoming.socket.destroy();
            else throw error;
            return new Response(null, { status: 500 });
          }
        },
      },
      (info: AddressInfo) => {
        resolve({
          url: `http://${host}:${info.port}`,
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()));
              if ('closeAllConnections' in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
