import http from 'node:http';
import net from 'node:net';

export interface LoopbackServer {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** A port nothing listens on right now: bound on 127.0.0.1, then released. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function listenHttp(handler: http.RequestListener): Promise<LoopbackServer> {
  const server = http.createServer(handler);
  return listen(server);
}

/** Accepts connections and never says a word: a registry behind a black-holing proxy. */
export function listenSilent(): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return listen(server, () => sockets.forEach((socket) => socket.destroy()));
}

function listen(server: net.Server, beforeClose: () => void = () => undefined): Promise<LoopbackServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            beforeClose();
            if (server instanceof http.Server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
