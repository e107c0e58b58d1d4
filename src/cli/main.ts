#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { runInstrumented, UsageError, type RunOptions } from './run';

const { version } = require('../../../package.json') as { version: string };

/** Exit status for bad arguments. */
const USAGE_EXIT_CODE = 2;

function fail(message: string, status: number): never {
  process.stderr.write(`asyncrace: ${message.replace(/^error: /, '')}\n`);
  process.exit(status);
}

/** A repeatable option's values, in order. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function buildProgram(): Command {
  const program = new Command('asyncrace')
    .description('Find lost updates and stale checks across await in Node.js programs, as they happen.')
    .version(version, '-v, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => {} }); // errors are printed by main(), on one line

  program
    .command('run')
    .description('run a Node.js command with every Node.js process it starts instrumented')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the command to run, e.g. node app.js, node --test, npx mocha')
    .option('--log <target>', 'where race reports go: stderr, stdout, or a file (appended); default $ASYNCRACE_LOG, else stderr')
    .option('--fail-on-race', `exit with status 66 when the command succeeded but a race was reported`)
    .option('--suppress <pattern>', 'silence races matching target:<glob>, file:<glob> or function:<glob> (repeatable; added to $ASYNCRACE_SUPPRESS)', collect)
    .option('--include <glob>', 'instrument only the files this glob matches, relative to the working directory (repeatable; added to $ASYNCRACE_INCLUDE)', collect)
    .option('--exclude <glob>', 'never instrument the files this glob matches (repeatable; added to $ASYNCRACE_EXCLUDE)', collect)
    .option('--stacks', 'reports also carry the stacks of the read and of the intervening write, and where both tasks were started (slower: sets $ASYNCRACE_STACKS=all)')
    .option('--no-cache', 'transform every file afresh: no reading or writing of the transform cache (sets $ASYNCRACE_CACHE=0)')
    .passThroughOptions()
    .action(async (command: string[], options: RunOptions) => {
      process.exitCode = await runInstrumented(command, options);
    });

  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return; // --help, --version
      if (error.code === 'commander.help') process.exit(USAGE_EXIT_CODE); // no command: usage was shown
      fail(error.message, USAGE_EXIT_CODE);
    }
    if (error instanceof UsageError) fail(error.message, error.status);
    fail(error instanceof Error ? error.message : String(error), 1);
  }
}

void main(process.argv);
