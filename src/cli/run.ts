import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants } from 'node:os';
import { ENV, parseLogTarget, parseSuppressions, streamName } from '../config';
import { LogRelay } from './log-relay';
import { UsageError } from './usage-error';
import { readOutcomes, type Outcome } from '../outcome';
import { settingsFromEnv } from '../staging/settings';

/** The exit status ThreadSanitizer and Go's race detector use when a race was found. */
export const RACE_EXIT_CODE = 66;

export interface RunOptions {
  log?: string;
  failOnRace?: boolean;
  suppress?: string[];
  include?: string[];
  exclude?: string[];
  /** False with `--no-cache`. */
  cache?: boolean;
  stacks?: boolean;
  mode?: string;
  sample?: string;
  countsInterval?: string;
}

const REGISTER = require.resolve('../hooks/register');

function quoteForNodeOptions(value: string): string {
  return /[\s"\\]/.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
}

/** NODE_OPTIONS with the register hook added, so every Node.js process the command starts is instrumented. */
export function nodeOptionsWithHook(existing: string | undefined): string {
  const flag = `--require ${quoteForNodeOptions(REGISTER)}`;
  return existing ? `${existing} ${flag}` : flag;
}

/** Resolve `--log` once, here: child processes may run in other directories. */
function logTarget(log: string): string {
  if (log === 'stderr' || log === 'stdout') return log;
  const file = path.resolve(log);
  try {
    fs.closeSync(fs.openSync(file, 'a'));
  } catch (error) {
    throw new UsageError(`cannot write the log file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return file;
}

/** Values of a repeatable option added to the comma-separated list already in the environment. */
function addToList(values: string[], existing: string | undefined): string {
  return [existing, ...values].filter((value) => value).join(',');
}

/** `--suppress` patterns added to those already in the environment, checked here: a typo must not go unnoticed. */
function suppressions(patterns: string[], existing: string | undefined): string {
  for (const pattern of patterns) {
    const { invalid } = parseSuppressions(pattern);
    if (invalid.length > 0) throw new UsageError(`bad --suppress '${invalid[0]}': expected target:<glob>, file:<glob> or function:<glob>`);
  }
  return addToList(patterns, existing);
}

/** `--include`/`--exclude` globs, checked here: an empty one is surely a mistake. */
function globs(option: string, values: string[], existing: string | undefined): string {
  if (values.some((value) => value.trim() === '')) throw new UsageError(`bad --${option}: an empty glob`);
  return addToList(values, existing);
}

/** A staging setting (`--mode`, `--sample`, `--counts-interval`), checked as the runtime reads it: a typo must not go unnoticed. */
function setting(option: string, variable: string, value: string): string {
  const [problem] = settingsFromEnv({ [variable]: value }).problems;
  if (problem) throw new UsageError(`bad --${option} '${value}': ${problem.slice(problem.indexOf('expected'))}`);
  return value;
}

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Runs the command with instrumentation and resolves to the exit status asyncrace should end with:
 * the command's own, or 66 under `--fail-on-race` (see exitStatus).
 */
export async function runInstrumented(command: string[], options: RunOptions): Promise<number> {
  const [file, ...args] = command;
  if (!file) throw new UsageError('missing command: asyncrace run [options] -- <command> [args...]');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: nodeOptionsWithHook(process.env.NODE_OPTIONS) };
  if (options.log !== undefined) env[ENV.log] = logTarget(options.log);
  if (options.suppress?.length) env[ENV.suppress] = suppressions(options.suppress, process.env[ENV.suppress]);
  if (options.include?.length) env[ENV.include] = globs('include', options.include, process.env[ENV.include]);
  if (options.exclude?.length) env[ENV.exclude] = globs('exclude', options.exclude, process.env[ENV.exclude]);
  if (options.cache === false) env[ENV.cache] = '0';
  if (options.stacks) env[ENV.stacks] = 'all';
  if (options.mode !== undefined) env[ENV.mode] = setting('mode', ENV.mode, options.mode);
  if (options.sample !== undefined) env[ENV.sample] = setting('sample', ENV.sample, options.sample);
  if (options.countsInterval !== undefined) env[ENV.countsInterval] = setting('counts-interval', ENV.countsInterval, options.countsInterval);

  // The run's own files: the outcomes --fail-on-race reads, the log relayed to stderr/stdout.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncrace-'));
  const outcomes = path.join(runDir, 'outcomes');
  if (options.failOnRace) {
    env[ENV.raceFlagFile] = outcomes;
    env[ENV.failOnRace] = '1';
  }
  const target = parseLogTarget(env[ENV.log]);
  let relay: LogRelay | undefined;
  try {
    if (target.kind === 'fd') {
      relay = new LogRelay(path.join(runDir, 'log.ndjson'), target.fd);
      env[ENV.log] = relay.file;
      env[ENV.logShownAs] = streamName(target.fd);
    }
    const status = await spawnAndWait(file, args, env);
    return options.failOnRace ? exitStatus(status, readOutcomes(outcomes)) : status;
  } finally {
    relay?.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * Under `--fail-on-race`: 66 when a race was reported and the command succeeded, or failed only
 * because a test runner integration failed the tests that raced; else the command's own status.
 */
function exitStatus(status: number, outcomes: Set<Outcome>): number {
  if (!outcomes.has('race')) return status;
  if (status === 0) return RACE_EXIT_CODE;
  return outcomes.has('race-failure') && !outcomes.has('other-failure') ? RACE_EXIT_CODE : status;
}

function spawnAndWait(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, forward(signal)] as const);
    handlers.forEach(([signal, handler]) => process.on(signal, handler));
    const cleanup = () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(error.code === 'ENOENT' ? new UsageError(`command not found: ${file}`, 127) : error);
    });
    child.on('exit', (code, signal) => {
      cleanup();
      resolve(signal ? signalExitCode(signal) : code ?? 1);
    });
  });
}
