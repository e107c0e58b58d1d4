#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runInstrumented, type RunOptions } from './run';
import { UsageError } from './usage-error';
import { parseCount, parseTime, REPORT_FORMATS, type ReportOptions } from '../report/options';

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

/** An option parser whose Error commander reports as a bad argument (one line, status 2). */
function argument<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
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
    .option('--fail-on-race', 'fail the tests that raced (node:test, mocha, jest, vitest); exit with status 66 when a race was reported and the command succeeded, or failed only by those tests')
    .option('--suppress <pattern>', 'silence races matching target:<glob>, file:<glob> or function:<glob> (repeatable; added to $ASYNCRACE_SUPPRESS)', collect)
    .option('--include <glob>', 'instrument only the files this glob matches, relative to the working directory (repeatable; added to $ASYNCRACE_INCLUDE)', collect)
    .option('--exclude <glob>', 'never instrument the files this glob matches (repeatable; added to $ASYNCRACE_EXCLUDE)', collect)
    .option('--stacks', 'reports also carry the stacks of the read and of the intervening write, and where both tasks were started (slower: sets $ASYNCRACE_STACKS=all)')
    .option('--no-cache', 'transform every file afresh: no reading or writing of the transform cache (sets $ASYNCRACE_CACHE=0)')
    .option('--mode <mode>', 'dev (default) or staging, for long-running services: each race in full once, counts lines periodically and at SIGTERM/SIGINT (sets $ASYNCRACE_MODE)')
    .option('--sample <fraction>', 'track only this fraction of root tasks (above 0, at most 1), to cut overhead (sets $ASYNCRACE_SAMPLE)')
    .option('--counts-interval <seconds>', 'staging mode: seconds between periodic counts lines, default 60 (sets $ASYNCRACE_COUNTS_INTERVAL)')
    .passThroughOptions()
    .action(async (command: string[], options: RunOptions) => {
      process.exitCode = await runInstrumented(command, options);
    });

  const now = Date.now();
  program
    .command('report')
    .description('group the race reports of asyncrace logs by race and summarise them')
    .argument('[files...]', "NDJSON logs (.gz too), quoted globs such as 'logs/*.ndjson', or - for stdin (the default when stdin is not a terminal)")
    .addOption(new Option('--format <format>', 'text (for a person), json, sarif (code scanning) or html (a page)').choices(REPORT_FORMATS).default('text'))
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--min-count <n>', 'only races that occurred at least n times', argument(parseCount))
    .option('--since <time>', 'only what happened from this time on: an ISO 8601 date or time (2025-11-26, 2025-11-26T14:30Z) or a duration before now (30m, 2h, 7d)', argument((value) => parseTime(value, now)))
    .option('--until <time>', 'only what happened up to this time (same forms as --since)', argument((value) => parseTime(value, now)))
    .action(async (files: string[], options: ReportOptions) => {
      const { runReport } = await import('../report'); // loaded only for this command
      process.exitCode = await runReport(files, options);
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
