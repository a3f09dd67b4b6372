import { Agent, type Dispatcher } from 'undici';

/** Requests a {@link loopbackOnlyDispatcher} refused: an attempt to leave the machine. */
export const refusedOrigins: string[] = [];

/**
 * A keep-alive Agent that only dispatches to 127.0.0.1. Anything else fails at once, before
 * a DNS look-up or a connection, and is recorded in {@link refusedOrigins}: a test that
 * expects a hostile URL to be refused by validation then fails without touching the network
 * should that validation ever regress.
 */
export function loopbackOnlyDispatcher(): { readonly dispatcher: Dispatcher; close(): Promise<void> } {
  const agent = new Agent();
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    const origin = String(opts.origin ?? '');
    if (!URL.canParse(origin) || new URL(origin).hostname !== '127.0.0.1') {
      refusedOrigins.push(origin.slice(0, 200));
      throw new Error(`test guard: a request to ${origin.slice(0, 80)} was attempted; only 127.0.0.1 is allowed`);
    }
    return dispatch(opts, handler);
  });
  return { dispatcher, close: () => agent.close() };
}
