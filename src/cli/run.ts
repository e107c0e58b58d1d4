import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants } from 'node:os';
import { ENV, parseSuppressions } from '../config';

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
}

/** A problem the CLI reports in one line, exiting with `status` (2: bad usage, 127: no such command). */
export class UsageError extends Error {
  constructor(message: string, readonly status = 2) {
    super(message);
  }
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

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Runs the command with instrumentation and resolves to the exit status asyncrace should end with:
 * the command's own, or 66 under `--fail-on-race` when the command succeeded but a race was reported.
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

  let flagDir: string | undefined;
  if (options.failOnRace) {
    flagDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncrace-'));
    env[ENV.raceFlagFile] = path.join(flagDir, 'races');
    env[ENV.failOnRace] = '1';
  }
  try {
    const status = await spawnAndWait(file, args, env);
    const raced = flagDir !== undefined && fs.existsSync(path.join(flagDir, 'races'));
    return status === 0 && raced ? RACE_EXIT_CODE : status;
  } finally {
    if (flagDir) fs.rmSync(flagDir, { recursive: true, force: true });
  }
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
