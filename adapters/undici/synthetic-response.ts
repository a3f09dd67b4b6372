import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** A whole HTTP answer held in memory: what the adapter reads, converts and hands on. */
export interface Answer {
  readonly status: number;
  readonly statusMessage?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Hands a complete answer to the caller's handler as undici would: headers, the body in
 * one chunk, the end. The body is already in memory, so a pause the caller asks for has
 * nothing left to hold back (undici's own MockAgent answers the same way); an abort in
 * between stops the delivery.
 */
export function deliverAnswer(handler: Dispatcher.DispatchHandler, controller: Dispatcher.DispatchController, answer: Answer): void {
  handler.onResponseStart?.(controller, answer.status, answer.headers, answer.statusMessage);
  if (controller.aborted) return;
  if (answer.body.length > 0) handler.onResponseData?.(controller, answer.body);
  if (controller.aborted) return;
  handler.onResponseEnd?.(controller, {});
}

/** The first value of a response header. */
export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
