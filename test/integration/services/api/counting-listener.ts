/**
 * A local TCP listener that counts the connections reaching it and answers each with a tiny HTTP 200: the side-effect
 * detector of the SQL confinement tests (a url()/remote()/s3() call that got out would show up here).
 */
import net, { type AddressInfo } from 'node:net';

export class CountingListener {
  /** Connections accepted since opening (or since a test set it back to 0). */
  connections = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\n1\n');
  });

  private constructor() {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Listens on 127.0.0.1, on a free port. */
  static async open(): Promise<CountingListener> {
    const self = new CountingListener();
    await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /** Drops the connections still open (an engine may hold one) and stops listening. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
