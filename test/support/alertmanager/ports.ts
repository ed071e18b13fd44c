import { createSocket } from 'node:dgram';
import { freeTcpPort } from '../free-port';

/** A loopback port free for TCP (asked from the kernel) and, when `udp` is set, for UDP too (memberlist gossips on both). */
export async function freeLoopbackPort(udp = false): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    if (!udp || (await udpPortFree(port))) return port;
  }
  throw new Error('no free loopback port for TCP and UDP after 20 attempts');
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** `count` distinct free ports. */
export async function freeLoopbackPorts(count: number, udp = false): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count; attempt++) {
    if (attempt >= count * 10) throw new Error(`could not find ${count} distinct free loopback ports`);
    ports.add(await freeLoopbackPort(udp));
  }
  return [...ports];
}
