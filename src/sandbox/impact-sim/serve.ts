/** Serves an Impact simulator over HTTP on 127.0.0.1 (port 0 picks a free one; default 8790). */
import { serve, type HttpBindings, type Http2Bindings } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { DEFAULT_IMPACT_SIM_PORT, type ImpactSimulator } from './app';
import { ImpactConnectionDrop } from './errors';

export interface ServeImpactOptions {
  readonly port?: number;
  readonly host?: string;
}

export interface ServedImpactSimulator {
  readonly url: string;
  /** Stops the server; pending webhook retries are left to `sim.webhooks.stop()`. */
  close(): Promise<void>;
}

export function serveImpactSimulator(sim: ImpactSimulator, options: ServeImpactOptions = {}): Promise<ServedImpactSimulator> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        hostname: host,
        port: options.port ?? DEFAULT_IMPACT_SIM_PORT,
        fetch: async (request: Request, env: HttpBindings | Http2Bindings) => {
          try {
            return await sim.app.fetch(request, env);
          } catch (error) {
            // A "drop" fault: the client sees the connection reset, never a response.
            if (error instanceof ImpactConnectionDrop) env.incoming.socket.destroy();
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
