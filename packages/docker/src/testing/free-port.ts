import net from 'node:net';

/** A TCP port free on 127.0.0.1 a moment ago (the OS picked it): for a test's own server or binding. */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
