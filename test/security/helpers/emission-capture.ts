import diagnosticsChannel from 'node:diagnostics_channel';
import { vi } from 'vitest';
import { DIAGNOSTICS_CHANNELS, type ShimEvent, type ShimLogger } from '../../../src/index.js';
import { valueRenderings, type Emitted } from '../leak-search.js';

/** Everything the library emits while a capture runs, and the hooks to give the shim. */
export interface EmissionCapture {
  /** What was emitted, as text, with where it came from. */
  readonly emitted: Emitted[];
  /** The `onEvent` option: records each event. */
  readonly onEvent: (event: ShimEvent) => void;
  /** The `logger` option: a pino-compatible logger that records each record and message. */
  readonly logger: ShimLogger;
  /** Stops capturing: restores the console and process streams, unsubscribes the channels. */
  stop(): void;
}

/**
 * Starts recording everything the library can emit besides what it throws: its events and
 * log records (through the hooks returned), every diagnostics channel it publishes on
 * (plain and tracing), the console, `process.stdout`/`stderr` writes and process warnings
 * (all swallowed while capturing, so nothing reaches the test output either).
 */
export function startEmissionCapture(): EmissionCapture {
  const emitted: Emitted[] = [];
  const record = (where: string) => (value: unknown) => void emitted.push(...valueRenderings(value, where));
  const log = (level: string) => (entry: object, message?: string) => record(`log ${level}`)({ entry, message });
  const logger: ShimLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

  const tracing = {
    start: record('channel request start'),
    end: record('channel request end'),
    asyncStart: record('channel request asyncStart'),
    asyncEnd: record('channel request asyncEnd'),
    error: record('channel request error'),
  };
  const plain = Object.values(DIAGNOSTICS_CHANNELS)
    .filter((name) => name !== DIAGNOSTICS_CHANNELS.request)
    .map((name) => [name, record(`channel ${name}`)] as const);
  for (const [name, listener] of plain) diagnosticsChannel.subscribe(name, listener);
  diagnosticsChannel.tracingChannel(DIAGNOSTICS_CHANNELS.request).subscribe(tracing);

  const spies: Array<{ mockRestore(): void }> = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => record(`console.${method}`)(args)));
  }
  for (const [name, stream] of [['process.stdout', process.stdout], ['process.stderr', process.stderr]] as const) {
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
        emitted.push({ where: name, text: String(chunk) });
        return true;
      }) as typeof stream.write),
    );
  }
  spies.push(vi.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => void emitted.push({ where: 'process warning', text: String(warning) })));

  return {
    emitted,
    onEvent: (event) => record(`event ${event.type}`)(event),
    logger,
    stop() {
      for (const spy of spies.splice(0)) spy.mockRestore();
      for (const [name, listener] of plain) diagnosticsChannel.unsubscribe(name, listener);
      diagnosticsChannel.tracingChannel(DIAGNOSTICS_CHANNELS.request).unsubscribe(tracing);
    },
  };
}
