import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from '../exchange.js';
import { sendServerError, sendWrongContentType } from './fault-answers.js';
import { isBodyFault, writeBodyWithFault } from './faulty-body.js';
import type { ResolvedFault } from './resolve-fault.js';

/**
 * Sends a JSON answer (an operation's result or an `ApiError`) the way a response fault
 * says: replaced by a server error or a reset after the operation ran, corrupted, under
 * another content type, or with its bytes cut or dripped. Faults that do not concern the
 * answer leave it as it was.
 */
export function sendJsonWithFault(
  exchange: Exchange,
  status: number,
  headers: OutgoingHttpHeaders,
  contentType: string,
  text: string,
  fault: ResolvedFault,
): void {
  // The replacement goes out plainly: it must not be faulted again.
  exchange.responseFault = undefined;
  const body = Buffer.from(text, 'utf8');
  const head = exchange.req.method === 'HEAD';
  switch (fault.kind) {
    case 'server-error':
      sendServerError(exchange, fault, 'atlas');
      return;
    case 'reset-after-request':
      exchange.reset();
      return;
    case 'wrong-content-type':
      sendWrongContentType(exchange, status, fault.contentType);
      return;
    case 'malformed-json': {
      // Half of a JSON document is never JSON, and Content-Length matches it: only parsing can tell.
      const cut = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
      exchange.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': cut.length });
      exchange.res.end(head ? undefined : cut);
      return;
    }
    default:
      break;
  }
  exchange.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': body.length });
  if (head || !isBodyFault(fault)) {
    exchange.res.end(head ? undefined : body);
    return;
  }
  writeBodyWithFault(exchange, [body], body.length, fault).catch(() => exchange.res.destroy());
}
