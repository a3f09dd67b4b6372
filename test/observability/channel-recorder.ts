import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { DIAGNOSTICS_CHANNELS } from '../../src/index.js';

/** One message as a subscriber saw it: which channel, which tracing event, and a copy taken at that moment. */
export interface Recorded {
  readonly channel: keyof typeof DIAGNOSTICS_CHANNELS;
  /** The tracing event for the request channel (`start`, `end`, `asyncStart`, `asyncEnd`, `error`). */
  readonly event: string | undefined;
  readonly message: Record<string, unknown>;
}

/** A subscriber to every channel of the shim, recording what it sees until `stop()`. */
export interface ChannelRecorder {
  readonly records: Recorded[];
  /** The recorded messages of one channel (and tracing event). */
  of(channel: Recorded['channel'], event?: string): Record<string, unknown>[];
  /** Everything recorded, rendered deeply (errors included), to search for secrets. */
  text(): string;
  stop(): void;
}

/** Subscribes to every channel as a user would, by their documented names. */
export function recordChannels(): ChannelRecorder {
  const records: Recorded[] = [];
  // The tracing context is one object mutated as the call goes on: copy it at each event.
  const keep = (channel: Recorded['channel'], event: string | undefined) => (message: unknown) => {
    records.push({ channel, event, message: { ...(message as Record<string, unknown>) } });
  };
  const plain = (['route', 'retry', 'fallback', 'adopt', 'pollMissed', 'progress'] as const).map((channel) => {
    const listener = keep(channel, undefined);
    diagnosticsChannel.subscribe(DIAGNOSTICS_CHANNELS[channel], listener);
    return () => diagnosticsChannel.unsubscribe(DIAGNOSTICS_CHANNELS[channel], listener);
  });
  const tracing = diagnosticsChannel.tracingChannel(DIAGNOSTICS_CHANNELS.request);
  const handlers = {
    start: keep('request', 'start'),
    end: keep('request', 'end'),
    asyncStart: keep('request', 'asyncStart'),
    asyncEnd: keep('request', 'asyncEnd'),
    error: keep('request', 'error'),
  };
  tracing.subscribe(handlers);
  return {
    records,
    of: (channel, event) => records.filter((r) => r.channel === channel && (event === undefined || r.event === event)).map((r) => r.message),
    text: () => records.map((r) => inspect(r, { depth: 10, showHidden: true })).join('\n'),
    stop() {
      for (const unsubscribe of plain) unsubscribe();
      tracing.unsubscribe(handlers);
    },
  };
}
