import type * as ChildProcessModule from 'node:child_process';
import type * as WorkerThreadsModule from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';

// The modules' own export objects (not the read-only copies `import * as` makes), to wrap functions in.
const childProcess = require('node:child_process') as typeof ChildProcessModule;
const workerThreads = require('node:worker_threads') as typeof WorkerThreadsModule;

/**
 * Instrumentation follows the program into the threads and processes it starts.
 *
 * - Worker threads: a Worker runs the `--require`/`--import` preloads of its `execArgv` (by default
 *   the parent's) and of `NODE_OPTIONS` in its `env` (by default a copy of `process.env`), and the
 *   register file then installs the hooks in the Worker itself (on Node 20 its own loader-hooks
 *   thread, since Workers do not inherit the main thread's `module.register` hooks). A Worker made
 *   with an `env` or `execArgv` that drops both (`{ env: {} }`, `{ execArgv: [] }` under `--require`,
 *   `eval` Workers under `--import`) gets `--require <register>` added to its `execArgv`, and the
 *   `ASYNCRACE_*` settings in a custom `env`, so its reports go to the same log.
 * - Child processes: `asyncrace run` instruments them through `NODE_OPTIONS`, which they inherit. A
 *   child spawned with a custom `env` that leaves `NODE_OPTIONS` or the `ASYNCRACE_*` settings out
 *   (`spawn(process.execPath, args, { env: { PATH } })`) gets them back, as nyc's process-on-spawn
 *   does: for `spawn`, `fork`, `exec`, `execFile` (all through `ChildProcess.prototype.spawn`) and
 *   `spawnSync`, `execSync`, `execFileSync`. Only when this process itself was started with the hook in
 *   `NODE_OPTIONS` (under `asyncrace run`): a program run with `node --require asyncrace/register`
 *   instruments itself, and its children only as Node does by default (`fork` passes `execArgv` on).
 */

const REGISTER = require.resolve('./register');

/** The environment asyncrace runs with, as this process started: what children must get back. */
function asyncraceEnv(): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (key.startsWith('ASYNCRACE_') && value !== undefined) settings[key] = value;
  return settings;
}

function mentionsRegister(value: string | undefined): boolean {
  return value !== undefined && value.includes(REGISTER);
}

/** `NODE_OPTIONS` of this process carries the hook: `asyncrace run` started it, or a parent of it. */
const hookInNodeOptions = mentionsRegister(process.env.NODE_OPTIONS);
const settings = asyncraceEnv();
const hookFlag = (process.env.NODE_OPTIONS ?? '').match(/--require[ =]("(?:[^"\\]|\\.)*"|\S+)/g)?.find((flag) => flag.includes(REGISTER));

/** `env` with the hook's NODE_OPTIONS flag and the ASYNCRACE_* settings it lacks, or `env` itself when it has them. */
function completeEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const missing = Object.keys(settings).filter((key) => env[key] === undefined);
  const needsFlag = hookFlag !== undefined && !mentionsRegister(env.NODE_OPTIONS);
  if (missing.length === 0 && !needsFlag) return env;
  const completed = { ...env };
  for (const key of missing) completed[key] = settings[key];
  if (needsFlag) completed.NODE_OPTIONS = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${hookFlag}` : hookFlag;
  return completed;
}

function patchChildProcesses(): void {
  const proto = childProcess.ChildProcess.prototype as unknown as { spawn(options: { envPairs?: string[] }): unknown };
  const spawn = proto.spawn;
  proto.spawn = function (this: unknown, options) {
    if (options && Array.isArray(options.envPairs)) {
      const env: Record<string, string> = {};
      for (const pair of options.envPairs) {
        const at = pair.indexOf('=');
        if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const completed = completeEnv(env);
      if (completed !== env) options = { ...options, envPairs: Object.entries(completed).map(([key, value]) => `${key}=${value}`) };
    }
    return spawn.call(this, options);
  };

  const cp = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['spawnSync', 'execSync', 'execFileSync']) {
    const original = cp[name]!;
    cp[name] = {
      [name](...args: unknown[]) {
        // The options object is the last argument that is an object and not an array of arguments.
        for (let i = args.length - 1; i >= 1; i--) {
          const options = args[i] as { env?: Record<string, string | undefined> } | null;
          if (options === null || typeof options !== 'object' || Array.isArray(options)) continue;
          if (options.env && typeof options.env === 'object') {
            const env = completeEnv(options.env);
            if (env !== options.env) args[i] = { ...options, env };
          }
          break;
        }
        return original.apply(this, args);
      },
    }[name]!;
  }
}

/**
 * The hook reaches a Worker made with these options: `--require <register>` in its `execArgv`, or in
 * the `NODE_OPTIONS` of its `env` (what `asyncrace run` sets). Anything else (`--import`, which an
 * `eval` Worker does not run; a relative path) is not relied on: `--require` is added, and a second
 * load of the register file in one thread is a no-op.
 */
function workerGetsHook(options: WorkerThreadsModule.WorkerOptions | undefined): boolean {
  const execArgv = options?.execArgv ?? process.execArgv;
  if (execArgv.some((arg, i) => (arg === `--require=${REGISTER}` || (arg === REGISTER && (execArgv[i - 1] === '--require' || execArgv[i - 1] === '-r'))))) return true;
  const env = options?.env;
  const nodeOptions = env === undefined || env === workerThreads.SHARE_ENV ? process.env.NODE_OPTIONS : (env as Record<string, string | undefined>).NODE_OPTIONS;
  return mentionsRegister(nodeOptions);
}

function patchWorkers(): void {
  const Original = workerThreads.Worker;
  class Worker extends Original {
    constructor(filename: string | URL, options?: WorkerThreadsModule.WorkerOptions) {
      let completed = options;
      const env = options?.env;
      if (env !== undefined && env !== workerThreads.SHARE_ENV && typeof env === 'object') {
        completed = { ...completed, env: completeEnv(env as Record<string, string | undefined>) };
      }
      if (!workerGetsHook(completed)) {
        completed = { ...completed, execArgv: [...(completed?.execArgv ?? process.execArgv), '--require', REGISTER] };
      }
      super(filename, completed);
    }
  }
  Object.defineProperty(Worker, 'name', { value: 'Worker' });
  (workerThreads as { Worker: typeof Original }).Worker = Worker;
}

/** Installs the wrappers once per thread (register.ts calls it once). */
export function followProcessesAndThreads(): void {
  try {
    patchWorkers();
    if (hookInNodeOptions) patchChildProcesses();
    // ES modules importing `node:worker_threads` or `node:child_process` see the wrapped functions.
    syncBuiltinESMExports();
  } catch {
    // Never the program's problem: its threads and children then run as they would without asyncrace.
  }
}
