import type { Race } from '../detector/race';

/**
 * What `asyncrace report` makes of a pile of logs: one entry per `race.id`, across processes and
 * hosts. Every output format (text, json, sarif, html) renders this and nothing else, so they all
 * show the same grouped result. `--format json` prints it as it is (CONTRACT.md). Its sites are those
 * of the race's first full report (stacks included when it carried them).
 */
export interface GroupedRace extends Pick<Race, 'id' | 'kind' | 'target' | 'read' | 'await' | 'intervening' | 'write'> {
  /** Summed over processes (hostname + pid): the larger of its cumulative counts and its full reports. */
  count: number;
  /** Epoch milliseconds, as pino's `time`: the earliest and latest line that showed this race. */
  firstSeen: number;
  lastSeen: number;
  /** Sorted, each once. */
  hosts: string[];
  pids: number[];
  /** Tests that made the race (CONTRACT.md `race.test`), each once, sorted by file then name. */
  tests: Array<NonNullable<Race['test']>>;
}

export interface GroupedReport {
  /** Most occurrences first, then by id: the same order in every format. */
  races: GroupedRace[];
  /** Lines that were not JSON, or JSON with no race or counts in them. */
  skipped: number;
}
