import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from '../exchange.js';
import { sendServerError, sendWrongContentType } from './fault-answers.js';
import type { ResolvedFault } from './resolve-fault.js';

/**
 * Faults that change an answer on its way out, once the request was served: a JSON answer
 * replaced, corrupted or relabelled, and any body (JSON or a snapshot file) cut or dripped.
 */

/** The faults that change how a body's bytes travel, after an ordinary head. */
export type BodyFault = Extract<ResolvedFault, { kind: 'reset-mid-body' | 'truncated-body' | 'slow-drip' }>;

/** True for the faults {@link writeBodyWithFault} handles. */
export function isBodyFault(fault: ResolvedFault | undefined): fault is BodyFault {
  return fault?.kind === 'reset-mid-body' || fault?.kind === 'truncated-body' || fault?.kind === 'slow-drip';
}

/** Writes with backpressure; false once the client has gone (nothing more is worth writing). */
async function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * Writes a body of `length` bytes from `chunks` the way the fault says; the head, with the
 * full `Content-Length`, is already out.
 *
 * - `reset-mid-body`: `afterBytes` (default half) bytes, then a TCP reset: the client sees
 *   `ECONNRESET`.
 * - `truncated-body`: `afterBytes` (default half) bytes, then a clean close: fewer bytes
 *   than `Content-Length` promised, as a proxy that gave up sends.
 * - `slow-drip`: the whole body in `pieces` pieces, `intervalMs` apart, then the end.
 */
export async function writeBodyWithFault(
  exchange: Exchange,
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
  length: number,
  fault: BodyFault,
): Promise<void> {
  const { res } = exchange;
  if (fault.kind === 'slow-drip') {
    const pieceBytes = Math.max(1, Math.ceil(length / fault.pieces));
    let pending = Buffer.alloc(0);
    let first = true;
    const send = async (piece: Buffer): Promise<boolean> => {
      if (!first) await sleep(fault.intervalMs);
      first = false;
      return write(res, piece);
    };
    for await (const chunk of chunks) {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= pieceBytes) {
        if (!(await send(pending.subarray(0, pieceBytes)))) return;
        pending = pending.subarray(pieceBytes);
      }
    }
    if (pending.length > 0 && !(await send(pending))) return;
    res.end();
    return;
  }
  const limit = Math.min(length, fault.afterBytes ?? Math.floor(length / 2));
  let sent = 0;
  for await (const chunk of chunks) {
    if (sent >= limit) break;
    const part = chunk.subarray(0, limit - sent);
    if (!(await write(res, part))) return;
    sent += part.length;
  }
  const socket = exchange.req.socket;
  // end() flushes what was written, then closes cleanly; resetAndDestroy() drops it with a RST.
  if (fault.kind === 'truncated-body') socket.end();
  else socket.resetAndDestroy();
}

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
  const typed = { ...headers, 'Content-Type': contentType };
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
    case 'malformed-json':
      // Half of a JSON document is never JSON, and Content-Length matches it: only parsing can tell.
      exchange.send(status, typed, body.subarray(0, Math.max(1, Math.floor(body.length / 2))));
      return;
    default:
      break;
  }
  if (exchange.method === 'HEAD' || !isBodyFault(fault)) {
    exchange.send(status, typed, body);
    return;
  }
  exchange.writeHead(status, { ...typed, 'Content-Length': body.length });
  writeBodyWithFault(exchange, [body], body.length, fault).catch(() => exchange.res.destroy());
}
