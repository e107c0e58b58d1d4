import * as fs from 'node:fs';
import { ENV, parseLogTarget, shownLogTarget, streamName, type LogTarget } from '../config';
import { RaceGrouper } from '../report/group';
import type { GroupedRace } from '../report/model';
import { readSource } from '../report/read-lines';
import { raceInBrief, RACY_TEST } from '../reporter/message';

/**
 * `asyncrace/jest/reporter`: at the end of a jest run, a short summary in jest's own output (stderr)
 * of the races reported during the run: each test that raced with its races, and where the full
 * reports are. It runs in jest's main process while the races happen in the workers, which append
 * their reports to the log `ASYNCRACE_LOG` names. When that is a file (always under `asyncrace run`,
 * which relays it to stderr/stdout when those were asked for: `ASYNCRACE_LOG_SHOWN_AS`), the lines
 * appended since the run started are grouped as `asyncrace report` groups them. Reports written
 * straight to stderr/stdout cannot be read back: then only the tests `--fail-on-race` failed tell that
 * races happened, and one line points at the reports. Nothing is printed when no race was reported.
 * Plain text: jest picks its colours with its own chalk, which this does not load.
 */

/** The parts of jest's GlobalConfig and AggregatedResult read here. */
interface GlobalConfig {
  readonly verbose?: boolean | null;
}
interface TestFileResult {
  readonly numFailingTests?: number;
  readonly testExecError?: unknown;
  readonly testResults?: ReadonlyArray<{ readonly failureMessages?: readonly string[] }>;
}
interface AggregatedResult {
  readonly testResults?: readonly TestFileResult[];
}

type Test = GroupedRace['tests'][number];

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function byFileThenName(a: Test, b: Test): number {
  return a.file.localeCompare(b.file) || a.name.localeCompare(b.name);
}

function raceLine(race: GroupedRace): string {
  return `    ${raceInBrief(race)}`;
}

/** The summary: the races under each test that made them (those outside any test last), then where the reports are. */
function summary(races: GroupedRace[], reportsAt: string): string[] {
  const byTest = new Map<string, { test: Test; races: GroupedRace[] }>();
  for (const race of races) {
    for (const test of race.tests) {
      const key = `${test.file}\0${test.name}`;
      const entry = byTest.get(key) ?? { test, races: [] };
      entry.races.push(race);
      byTest.set(key, entry);
    }
  }
  const lines = [`asyncrace: ${plural(races.length, 'race')} reported during this run`];
  for (const { test, races: made } of [...byTest.values()].sort((a, b) => byFileThenName(a.test, b.test))) {
    lines.push(`  ${test.name} (${test.file})`, ...made.map(raceLine));
  }
  const outside = races.filter((race) => race.tests.length === 0);
  if (outside.length > 0) lines.push('  outside any test', ...outside.map(raceLine));
  lines.push(`  full reports: ${reportsAt}`);
  return lines;
}

/** How many tests jest failed because they raced (`--fail-on-race`). */
function testsFailedForRacing(results: AggregatedResult): number {
  let count = 0;
  for (const file of results.testResults ?? []) {
    for (const test of file.testResults ?? []) if (test.failureMessages?.some((message) => message.includes(RACY_TEST))) count++;
  }
  return count;
}

/** A file's size; undefined when it does not exist (nothing was logged to it yet). */
function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

/** asyncrace's own trouble must never fail or stop jest: one line, and the run goes on. */
function warn(error: unknown): void {
  try {
    process.stderr.write(`asyncrace: no race summary for this jest run (${error instanceof Error ? error.message : String(error)})\n`);
  } catch {
    // stderr is closed: nothing more to say
  }
}

export default class AsyncraceJestReporter {
  private readonly log: LogTarget = parseLogTarget(process.env[ENV.log]);
  /** Where a person finds the reports: the stream `asyncrace run` relays the log to, or the log itself. */
  private readonly shown: LogTarget = shownLogTarget();
  /** The log file's size when the run started: what it held then is another run's. */
  private start = 0;

  /** jest calls `new Reporter(globalConfig, reporterOptions, reporterContext)`. */
  constructor(private readonly globalConfig: GlobalConfig = {}) {}

  onRunStart(): void {
    if (this.log.kind === 'file') this.start = sizeOf(this.log.path) ?? 0;
  }

  async onRunComplete(_contexts: unknown, results: AggregatedResult): Promise<void> {
    try {
      const lines = this.log.kind === 'file' ? await this.summaryOfLog(this.log.path) : this.pointerToReports(this.log.fd, results);
      if (lines.length > 0) process.stderr.write(this.spaced(lines.join('\n'), results));
    } catch (error) {
      warn(error);
    }
  }

  /**
   * `text` set off by one blank line either side, as jest's own sections are: jest's output so far
   * ends with a blank line unless its last test file passed in a non-verbose run, in which case its
   * summary, printed next, starts with one (jest's SummaryReporter).
   */
  private spaced(text: string, results: AggregatedResult): string {
    const last = results.testResults?.at(-1);
    const endsWithBlank = Boolean(this.globalConfig.verbose) || !last || Boolean(last.numFailingTests) || Boolean(last.testExecError);
    return endsWithBlank ? `${text}\n\n` : `\n${text}\n`;
  }

  private async summaryOfLog(file: string): Promise<string[]> {
    const size = sizeOf(file);
    if (size === undefined) return [];
    const start = size < this.start ? 0 : this.start; // the log was replaced during the run: all of it is this run's
    const grouper = new RaceGrouper();
    await readSource({ name: file, open: () => fs.createReadStream(file, { start }), gzipByName: false }, grouper);
    const { races } = grouper.result().report;
    if (races.length === 0) return [];
    return summary(races, this.shown.kind === 'fd' ? `on ${streamName(this.shown.fd)}` : `${file} (asyncrace report ${file} groups them)`);
  }

  /** Reports went straight to stderr/stdout: one line, when failed tests show that races happened. */
  private pointerToReports(fd: 1 | 2, results: AggregatedResult): string[] {
    const raced = testsFailedForRacing(results);
    if (raced === 0) return [];
    return [`asyncrace: ${plural(raced, 'test')} raced; the reports were written to ${streamName(fd)} (with ASYNCRACE_LOG naming a file, they are summarised here)`];
  }
}
