import type pino from 'pino';
import { ENV, parseLogTarget } from '../config';
import type { Race } from '../detector/race';
import { noteOutcome } from '../outcome';
import { CountsSchedule } from '../staging/counts-schedule';
import type { Mode, Settings } from '../staging/settings';
import { countsMessage, raceMessage } from './message';
import { loadSuppressions, type Suppressions } from './suppress';

type Test = NonNullable<Race['test']>;

interface Seen {
  readonly race: Race;
  count: number;
  /** Silenced by a suppression: counted in `counts.suppressed`, never logged nor listed. */
  readonly suppressed: boolean;
  /** The tests it was reported in full for (`file\0name`), in order: once per test. */
  readonly tests: Map<string, Test>;
}

function testKey(test: Test): string {
  return `${test.file}\0${test.name}`;
}

/**
 * Turns detected races into log lines: the first occurrence of each `race.id` in full (and, in dev
 * mode, the first in each further test that makes it, so every racy test is named), the rest
 * counted, suppressed races only counted, and one counts line when the process exits (any way it
 * exits: the line is written from the `exit` event, which runs for a normal end, `process.exit()`
 * and an uncaught exception) — in staging mode also periodically and on a stopping signal (see
 * CountsSchedule).
 */
export class Reporter {
  private readonly seen = new Map<string, Seen>();
  private logger: pino.Logger | null = null;
  private suppressions: Suppressions | null = null;
  private mode: Mode = 'dev';
  private readonly schedule = new CountsSchedule(
    () => this.writeCounts(),
    () => this.logger && (require('./logger') as typeof import('./logger')).flushLogger(this.logger),
  );

  /** The mode and counts interval in force, and the application's pino logger to report into, if given. */
  configure(settings: Settings, appLogger?: unknown): void {
    if (appLogger !== undefined) this.logger = (require('./logger') as typeof import('./logger')).loggerOnStream(appLogger);
    this.mode = settings.mode;
    this.schedule.configure(settings);
  }

  private log(): pino.Logger {
    // pino loads with the first report: most runs of a correct program never need it.
    this.logger ??= (require('./logger') as typeof import('./logger')).createLogger(parseLogTarget(process.env[ENV.log]));
    return this.logger;
  }

  /**
   * The first occurrence of a race; `ignored` when an `asyncrace-ignore` comment covers its write,
   * `inferred` when its read was linked to the write through a call (the message says so).
   */
  report(race: Race, ignored = false, inferred = false): void {
    this.schedule.counted();
    let seen = this.seen.get(race.id);
    if (seen) {
      seen.count++;
      if (!this.isNewTest(race.id, race.test)) return;
    } else {
      // Configuration is read with the first race: a correct program never needs it.
      this.suppressions ??= loadSuppressions();
      seen = { race, count: 1, suppressed: ignored || this.suppressions.matches(race), tests: new Map() };
      this.seen.set(race.id, seen);
      if (seen.suppressed) return;
    }
    if (race.test) seen.tests.set(testKey(race.test), race.test);
    this.log().warn({ race }, raceMessage(race, inferred));
    noteOutcome('race');
  }

  /** Whether an occurrence of a known race in `test` is the first in that test: then it is reported in full. */
  isNewTest(id: string, test: Test | undefined): boolean {
    const seen = this.seen.get(id);
    return seen !== undefined && !seen.suppressed && test !== undefined && this.mode === 'dev' && !seen.tests.has(testKey(test));
  }

  /** Another occurrence of a race already reported. */
  repeat(id: string): void {
    const seen = this.seen.get(id);
    if (!seen) return;
    seen.count++;
    this.schedule.counted();
  }

  /**
   * Races seen so far, first occurrence of each with how often it happened and the tests that made
   * it; suppressed ones left out.
   */
  races(): Array<Race & { count: number; tests: Test[] }> {
    return [...this.seen.values()].filter((seen) => !seen.suppressed).map(({ race, count, tests }) => ({ ...race, count, tests: [...tests.values()] }));
  }

  /** Occurrences of races that suppressions silenced. */
  suppressedCount(): number {
    let total = 0;
    for (const seen of this.seen.values()) if (seen.suppressed) total += seen.count;
    return total;
  }

  /**
   * Writes the counts line now (cumulative: writing it again later is harmless). Also where a runner
   * tears its worker down without an `exit` event (vitest).
   */
  writeCounts(): void {
    if (this.seen.size === 0) return;
    const races: Record<string, number> = {};
    let occurrences = 0;
    for (const [id, { count, suppressed }] of this.seen) {
      if (suppressed) continue;
      races[id] = count;
      occurrences += count;
    }
    const suppressed = this.suppressedCount();
    this.log().info({ counts: { races, suppressed } }, countsMessage(Object.keys(races).length, occurrences));
  }
}
