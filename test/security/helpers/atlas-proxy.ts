import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A redirect the proxy answers instead of forwarding. */
export interface ProxyRedirect {
  /** Requests whose path (without query) matches are redirected. */
  readonly match: RegExp;
  /** The origin to redirect to; the path and query are kept. */
  readonly to: string;
  readonly status: 301 | 302 | 303 | 307 | 308;
}

/**
 * A recording proxy in front of the simulator, on its own 127.0.0.1 port (so its own origin).
 * It forwards every request as it came, and:
 * - records each `Authorization` value it forwards and each `access_token` the token
 *   endpoint hands out: the credentials a test then searches everything emitted for;
 * - gives every `snapshotUrl` in a JSON answer the full query of a real pre-signed storage
 *   URL (a made-up credential beside the simulator's signature, its download token), and
 *   records both;
 * - answers paths matching `redirect` with a redirect to another origin instead.
 */
export interface AtlasProxy {
  /** `http://127.0.0.1:<port>`: the baseUrl to give the shim. */
  readonly origin: string;
  /** Every `Authorization` header value forwarded to Atlas. */
  readonly authorizations: string[];
  /** Every `access_token` the token endpoint answered. */
  readonly accessTokens: string[];
  /** The values in the `snapshotUrl` queries (signature and credential), each one a secret. */
  readonly signatures: string[];
  /** Set to redirect matching requests instead of forwarding them. */
  redirect: ProxyRedirect | undefined;
  close(): Promise<void>;
}

// Hop-by-hop and length headers are the proxy's own business on each side.
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !NOT_FORWARDED.has(name)) out[name] = value;
  return out;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy in front of `target` (the simulator's URL). */
export async function startAtlasProxy(target: string): Promise<AtlasProxy> {
  const authorizations: string[] = [];
  const accessTokens: string[] = [];
  const signatures: string[] = [];

  // Adds a pre-signed query to every snapshotUrl in a JSON body, recording the secrets it made up.
  const sign = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(sign);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (typeof record.snapshotUrl === 'string' && !record.snapshotUrl.includes('X-Amz-Credential=')) {
        // The simulator signs with its download token; the proxy adds a credential, as S3 would.
        const url = new URL(record.snapshotUrl);
        const credential = `AKIA${randomBytes(10).toString('hex').toUpperCase()}`;
        const signature = url.searchParams.get('X-Amz-Signature');
        if (signature === null) throw new Error(`the simulator's snapshotUrl has no X-Amz-Signature: ${url.origin}${url.pathname}`);
        signatures.push(credential, signature);
        record.snapshotUrl = `${url.origin}${url.pathname}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credential}%2F20260110%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=14400&X-Amz-Signature=${signature}`;
      }
      Object.values(record).forEach(sign);
    }
  };

  const proxy: AtlasProxy = {
    origin: '',
    authorizations,
    accessTokens,
    signatures,
    redirect: undefined,
    close: async () => undefined,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readAll(req);
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (req.headers.authorization !== undefined) authorizations.push(req.headers.authorization);
    if (proxy.redirect !== undefined && proxy.redirect.match.test(path)) {
      res.writeHead(proxy.redirect.status, { location: `${proxy.redirect.to}${url}`, 'content-length': 0 });
      res.end();
      return;
    }
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const forwarded = httpRequest(`${target}${url}`, { method: req.method, headers: forwardedHeaders(req.headers) }, resolve);
      forwarded.on('error', reject);
      forwarded.end(body);
    });
    let answer = await readAll(upstream);
    const type = String(upstream.headers['content-type'] ?? '');
    if (/json/i.test(type) && answer.length > 0) {
      const json = JSON.parse(answer.toString('utf8')) as unknown;
      if (path === '/api/oauth/token' && typeof (json as { access_token?: unknown }).access_token === 'string') {
        accessTokens.push((json as { access_token: string }).access_token);
      }
      sign(json);
      answer = Buffer.from(JSON.stringify(json));
    }
    res.writeHead(upstream.statusCode ?? 502, { ...forwardedHeaders(upstream.headers), 'content-length': answer.length });
    res.end(answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy failure: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(proxy, {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return proxy;
}
