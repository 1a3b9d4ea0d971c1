import * as net from "node:net";

/**
 * A server on 127.0.0.1 that answers every connection with an HTTP response one byte at a time, so a
 * client never goes idle and never gets a whole answer. Bounded: each connection stops after
 * `maxSeconds`, and `close()` ends every connection at once.
 */
export interface TrickleServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startTrickleServer(everyMs = 100, maxSeconds = 20): Promise<TrickleServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const text = `HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n${"x".repeat(100000)}`;
    let i = 0;
    const timer = setInterval(() => {
      if (i < text.length) socket.write(text[i++]);
      else socket.end();
    }, everyMs);
    const stop = setTimeout(() => socket.destroy(), maxSeconds * 1000);
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(stop);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
