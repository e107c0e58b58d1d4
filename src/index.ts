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
