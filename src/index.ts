import runtime from './runtime';

export type { Race, RaceKind, RaceAccess, TargetType } from './detector/race';

/** Resume detection (it is on as soon as instrumented code runs). */
export const start: () => void = runtime.start;
/** Pause detection: accesses are no longer tracked until `start()`. */
export const stop: () => void = runtime.stop;
/** The races seen so far in this process: each `race.id` once, with `count` occurrences; suppressed ones left out. */
export const races = runtime.races;
/** How many occurrences of races suppressions silenced so far (`counts.suppressed`). */
export const suppressed: () => number = runtime.suppressed;

/** What `configure()` sets; each setting left out keeps its value (from the environment, or its default). */
export interface ConfigureOptions {
  /** `staging` for long-running services (`ASYNCRACE_MODE`); `dev` is the default. */
  mode?: 'dev' | 'staging';
  /** A pino logger of the application's: reports go to its stream (its file, its transports). */
  logger?: object;
  /** The fraction of root tasks tracked, above 0 and at most 1 (`ASYNCRACE_SAMPLE`). */
  sample?: number;
  /** Staging mode: seconds between periodic counts lines (`ASYNCRACE_COUNTS_INTERVAL`, default 60). */
  countsInterval?: number;
}

/** Sets staging mode, sampling, the counts interval and where reports go; throws a TypeError on a bad value. */
export const configure: (options?: ConfigureOptions) => void = runtime.configure;
