import type { Command } from 'commander';
import type { RouteDecision } from '../../routing/route-policy.js';
import { line, type CliIo } from '../cli-io.js';
import { shimFrom, withAtlasOptions, type AtlasCommandOptions } from '../shared-options.js';

/** The decision as plain JSON: dates as ISO strings. */
export function decisionJson(decision: RouteDecision): Record<string, unknown> {
  return { ...decision, sunsetDate: decision.sunsetDate.toISOString() };
}

/** Prints a route decision for people. */
export function printDecision(io: CliIo, decision: RouteDecision): void {
  line(io.stdout, `route      ${decision.route} → ${decision.endpoint.operationId} (${decision.endpoint.method} ${decision.endpoint.path})`);
  line(io.stdout, `cluster    ${decision.clusterName}: ${decision.clusterKind}${decision.instanceSize ? ` ${decision.instanceSize}` : ''} (${decision.clusterKindSource})`);
  line(io.stdout, `flag       ${decision.flag}; sunset ${decision.sunsetDate.toISOString()} (${decision.afterSunset ? 'passed' : 'ahead'})`);
  line(io.stdout, `why        ${decision.reason}`);
  if (decision.fallback) line(io.stdout, `fallback   ${decision.fallback.from} → ${decision.fallback.to}: ${decision.fallback.reason}`);
}

/** `atlas-snapshot explain`: the route decision and why, without requesting a download. */
export function explainCommand(program: Command, io: CliIo, run: (action: () => Promise<void>, options: AtlasCommandOptions) => Promise<void>): void {
  withAtlasOptions(program.command('explain'))
    .description('show the route decision for a cluster and why, without requesting a download')
    .action((options: AtlasCommandOptions) =>
      run(async () => {
        const shim = shimFrom(options, io);
        try {
          const decision = await shim.explainRoute({ groupId: options.project, clusterName: options.cluster, signal: io.signal });
          if (options.json) line(io.stdout, JSON.stringify({ decision: decisionJson(decision) }));
          else printDecision(io, decision);
        } finally {
          await shim.close();
        }
      }, options),
    );
}
