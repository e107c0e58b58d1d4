import * as fs from 'node:fs';
import type pino from 'pino';
import { ENV, parseLogTarget } from '../config';
import type { Race } from '../detector/race';
import { countsMessage, raceMessage } from './message';
import { loadSuppressions, type Suppressions } from './suppress';

interface Seen {
  readonly race: Race;
  count: number;
  /** Silenced by a suppression: counted in `counts.suppressed`, never logged nor listed. */
  readonly suppressed: boolean;
}

/**
 * Turns detected races into log lines: the first occurrence of each `race.id` in full, the rest
 * counted, suppressed races only counted, and one counts line when the process exits (any way it
 * exits: the line is written from the `exit` event, which runs for a normal end, `process.exit()`
 * and an uncaught exception).
 */
export class Reporter {
  private readonly seen = new Map<string, Seen>();
  private logger: pino.Logger | null = null;
  private suppressions: Suppressions | null = null;
  private exitHooked = false;

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
    if (this.seen.has(race.id)) {
      this.repeat(race.id);
      return;
    }
    // Configuration is read with the first race: a correct program never needs it.
    this.suppressions ??= loadSuppressions();
    const suppressed = ignored || this.suppressions.matches(race);
    this.seen.set(race.id, { race, count: 1, suppressed });
    this.hookExit();
    if (suppressed) return;
    this.log().warn({ race }, raceMessage(race, inferred));
    flagRaceForCli();
  }

  /** Another occurrence of a race already reported. */
  repeat(id: string): void {
    const seen = this.seen.get(id);
    if (seen) seen.count++;
  }

  /** Races seen so far, first occurrence of each with how often it happened; suppressed ones left out. */
  races(): Array<Race & { count: number }> {
    return [...this.seen.values()].filter((seen) => !seen.suppressed).map(({ race, count }) => ({ ...race, count }));
  }

  /** Occurrences of races that suppressions silenced. */
  suppressedCount(): number {
    let total = 0;
    for (const seen of this.seen.values()) if (seen.suppressed) total += seen.count;
    return total;
  }

  private hookExit(): void {
    if (this.exitHooked) return;
    this.exitHooked = true;
    process.on('exit', () => this.writeCounts());
  }

  private writeCounts(): void {
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

/** Tells `asyncrace run --fail-on-race` that this process reported a race. */
function flagRaceForCli(): void {
  const file = process.env[ENV.raceFlagFile];
  if (file) fs.appendFileSync(file, `${process.pid}\n`);
}
