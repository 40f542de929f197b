// Every stand-in of the lab that takes TCP connections (the links between places, each region's cluster
// endpoint, the edge's hop to the router) listens on 127.0.0.1 on a port of its own, the same way.
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';

/** Starts a TCP server on 127.0.0.1 (`port` 0: any free port); resolves with it and the port it got. */
export async function listenOnLoopback(
  onConnection: (socket: Socket) => void,
  port = 0,
): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
