import dns from 'node:dns';
import net from 'node:net';

/**
 * Makes every outbound TCP connection (http, https, fetch/undici, tls all end in net.Socket#connect) and every
 * DNS lookup fail, and records the attempt. The check installs it so "offline" is enforced, not hoped for.
 */
export interface NetworkGuard {
  readonly attempts: readonly string[];
  uninstall(): void;
}

export function installNetworkGuard(): NetworkGuard {
  const attempts: string[] = [];
  const originalConnect = net.Socket.prototype.connect;
  const originalLookup = dns.lookup;
  const originalPromisesLookup = dns.promises.lookup;
  const refuse = (what: string): Error => {
    attempts.push(what);
    return new Error(`forge-validate is offline: blocked outbound ${what}`);
  };
  const describe = (args: unknown[]): string => {
    const [first, second] = args;
    if (Array.isArray(first)) return describe(first as unknown[]);
    if (first !== null && typeof first === 'object') {
      const o = first as { host?: unknown; port?: unknown; path?: unknown };
      if (typeof o.path === 'string') return `ipc ${o.path}`;
      return `connect ${String(o.host ?? 'localhost')}:${String(o.port)}`;
    }
    return `connect ${String(second ?? 'localhost')}:${String(first)}`;
  };
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const error = refuse(describe(args));
    process.nextTick(() => this.destroy(error));
    return this;
  } as typeof net.Socket.prototype.connect;
  // IP literals resolve locally (server.listen uses lookup too); a name would be a DNS query.
  dns.lookup = function guardedLookup(this: unknown, hostname: string, ...rest: unknown[]) {
    if (net.isIP(hostname) !== 0) return Reflect.apply(originalLookup, this, [hostname, ...rest]) as unknown;
    throw refuse(`dns ${hostname}`);
  } as unknown as typeof dns.lookup;
  dns.promises.lookup = (async (hostname: string, ...rest: unknown[]) => {
    if (net.isIP(hostname) !== 0) return Reflect.apply(originalPromisesLookup, dns.promises, [hostname, ...rest]) as unknown;
    throw refuse(`dns ${hostname}`);
  }) as typeof dns.promises.lookup;
  return {
    attempts,
    uninstall() {
      net.Socket.prototype.connect = originalConnect;
      dns.lookup = originalLookup;
      dns.promises.lookup = originalPromisesLookup;
    },
  };
}
