import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import type { CliIo } from './cli-io.js';
import { downloadCommand } from './commands/download.js';
import { explainCommand } from './commands/explain.js';
import { listCommand } from './commands/list.js';
import { simulateCommand } from './commands/simulate.js';
import { EXIT_CODES, exitCodeFor, renderError } from './cli-errors.js';
import { secretsOf, type AtlasCommandOptions } from './shared-options.js';

/**
 * Runs the `atlas-snapshot` CLI with `argv` (without node and the script) and resolves
 * with the exit code. Never throws: every failure is one printed line and an exit code
 * from `EXIT_CODES`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const run = async (action: () => Promise<void>, options: Partial<AtlasCommandOptions>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      exitCode = io.signal.aborted ? EXIT_CODES.interrupted : exitCodeFor(error);
      io.stderr.write(renderError(error, exitCode, { verbose: Boolean(options.verbose), secrets: secretsOf(options, io.env) }));
    }
  };
  const program = new Command('atlas-snapshot')
    .description('Download MongoDB Atlas shared-tier (M2/M5) and Flex snapshots, routed across the tenant endpoint sunset.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT_CODES.ok} done, ${EXIT_CODES.usage} usage error, ${EXIT_CODES.auth} authentication refused, ` +
        `${EXIT_CODES.atlas} Atlas error, refused route or (download --all) a cluster not saved, ${EXIT_CODES.timeout} timeout, ${EXIT_CODES.io} I/O error, ` +
        `${EXIT_CODES.interrupted} interrupted, ${EXIT_CODES.unexpected} unexpected.`,
    );
  downloadCommand(program, io, run);
  explainCommand(program, io, run);
  listCommand(program, io, run);
  simulateCommand(program, io, run);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    throw error;
  }
  return exitCode;
}
