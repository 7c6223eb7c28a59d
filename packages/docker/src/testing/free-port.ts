import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A port free on 127.0.0.1 a moment ago, for a test's own server or binding: TCP as the OS picks it; UDP (bound on
 * every address, as a swarm's data path wants) tried at random in 20000-48999 until one binds.
 */
export async function freePort(kind: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (kind === 'tcp') {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 29_000);
    const free = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, () => socket.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
