import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a test server received it, body included. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A `node:http` server on 127.0.0.1 that records every request it answers. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Stops the server, dropping kept-alive connections. */
  close(): Promise<void>;
}

/** Answers one request; the body has been read in full already. */
export type Responder = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Sends `size` bytes of `fill` in 64 KiB writes, waiting for `drain` as a real server
 * does, and stops early when the client goes away. Resolves with the bytes handed to the
 * socket.
 */
export function sendBytes(res: ServerResponse, size: number, headers: Record<string, string>, fill = 0x61): Promise<number> {
  res.writeHead(200, headers);
  let sent = 0;
  let gone = false;
  res.on('close', () => (gone = true));
  return new Promise<number>((resolve) => {
    const more = (): void => {
      while (sent < size && !gone) {
        const chunk = Buffer.alloc(Math.min(size - sent, 65_536), fill);
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', more);
          return;
        }
      }
      if (!gone) res.end();
      resolve(sent);
    };
    res.once('close', () => resolve(sent));
    more();
  });
}

/** Starts a recording server; `respond` answers each request after its body is read. */
export async function startServer(respond: Responder): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve(respond(recorded, res)).catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
