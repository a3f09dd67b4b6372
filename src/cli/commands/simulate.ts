import type { Command } from 'commander';
import { startAtlasSimulator } from '../../simulator/start-atlas-simulator.js';
import { check, checkOptional } from '../../validation.js';
import { line, type CliIo } from '../cli-io.js';
import { ENV, INSTANT, wholeNumber } from '../shared-options.js';

const PORT = wholeNumber(0, 65_535, 'a port number from 0 to 65535');

interface SimulateOptions {
  readonly port: string;
  readonly now?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** `atlas-snapshot simulate`: runs the local Atlas until interrupted. */
export function simulateCommand(program: Command, io: CliIo, run: (action: () => Promise<void>, options: { verbose?: boolean }) => Promise<void>): void {
  program
    .command('simulate')
    .description('run the local Atlas simulator on 127.0.0.1 and print its URL and sample credentials, until interrupted')
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--now <iso>', "the simulator's Atlas clock (default: the real time)")
    .option('--json', 'print the URL, credentials, project and clusters as one JSON object')
    .option('--verbose', 'on failure, print the error details and stack')
    .action((options: SimulateOptions) =>
      run(async () => {
        const port = check('--port', options.port, PORT);
        const now = checkOptional('--now', options.now, INSTANT);
        const sim = await startAtlasSimulator({ port, ...(now ? { now: () => now } : {}) });
        const clusters = Object.fromEntries(Object.values(sim.clusters).map((name) => [name, sim.snapshotIds(name)]));
        if (options.json) {
          line(io.stdout, JSON.stringify({ url: sim.url, apiKey: sim.apiKey, serviceAccount: sim.serviceAccount, groupId: sim.groupId, clusters: sim.clusters, snapshots: clusters }));
        } else {
          line(io.stdout, `Local Atlas simulator listening at ${sim.url}`);
          line(io.stdout, `  export ${ENV.baseUrl}=${sim.url}`);
          line(io.stdout, `  export ${ENV.publicKey}=${sim.apiKey.publicKey}`);
          line(io.stdout, `  export ${ENV.privateKey}=${sim.apiKey.privateKey}`);
          line(io.stdout, `  service account: ${ENV.clientId}=${sim.serviceAccount.clientId} ${ENV.clientSecret}=${sim.serviceAccount.clientSecret}`);
          line(io.stdout, `  project ${sim.groupId}`);
          for (const [kind, name] of Object.entries(sim.clusters)) line(io.stdout, `  ${kind.padEnd(10)} ${name.padEnd(14)} snapshots ${sim.snapshotIds(name).join(', ')}`);
          line(io.stdout, 'Press Ctrl-C to stop.');
        }
        await new Promise<void>((resolve) => {
          if (io.signal.aborted) resolve();
          io.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await sim.stop();
      }, options),
    );
}
