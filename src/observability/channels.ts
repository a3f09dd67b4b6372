import diagnosticsChannel from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS } from './channel-names.js';
import type {
  AdoptChannelMessage,
  AtlasRequestMessage,
  FallbackChannelMessage,
  ProgressChannelMessage,
  RetryChannelMessage,
  RouteChannelMessage,
} from './channel-messages.js';

/** A plain channel whose messages have one shape. */
export interface TypedChannel<Message> {
  readonly hasSubscribers: boolean;
  publish(message: Message): void;
}

// Node holds channels weakly: these module-level references keep them (and their subscribers) alive.
/** The route-decision channel. */
export const routeChannel: TypedChannel<RouteChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.route);
/** The Atlas-request tracing channel. */
export const requestChannel = diagnosticsChannel.tracingChannel<unknown, AtlasRequestMessage>(DIAGNOSTICS_CHANNELS.request);
/** The retry channel. */
export const retryChannel: TypedChannel<RetryChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.retry);
/** The fallback channel. */
export const fallbackChannel: TypedChannel<FallbackChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.fallback);
/** The job-adoption channel. */
export const adoptChannel: TypedChannel<AdoptChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.adopt);
/** The save-progress channel. */
export const progressChannel: TypedChannel<ProgressChannelMessage> = diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.progress);
