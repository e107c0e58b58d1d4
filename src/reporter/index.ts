import * as fs from 'node:fs';
import type pino from 'pino';
import { ENV, parseLogTarget } from '../config';
import type { Race } from '../detector/race';
import { countsMessage, raceMessage } from './message';

interface Seen {
  readonly race: Race;
  count: number;
}

/**
 * Turns detected races into log lines: the first occurrence of each `race.id` in full, the rest
 * counted, and one counts line when the process exits (any way it exits: the line is written from
 * the `exit` event, which runs for a normal end, `process.exit()` and an uncaught exception).
 */
export class Reporter {
  private readonly seen = new Map<string, Seen>();
  private logger: pino.Logger | null = null;
  private exitHooked = false;

  private log(): pino.Logger {
    // pino loads with the first report: most runs of a correct program never need it.
    this.logger ??= (require('./logger') as typeof import('./logger')).createLogger(parseLogTarget(process.env[ENV.log]));
    return this.logger;
  }

  report(race: Race): void {
    if (this.seen.has(race.id)) {
      this.repeat(race.id);
      return;
    }
    this.seen.set(race.id, { race, count: 1 });
    this.hookExit();
    this.log().warn({ race }, raceMessage(race));
    flagRaceForCli();
  }

  /** Another occurrence of a race already reported. */
  repeat(id: string): void {
    const seen = this.seen.get(id);
    if (seen) seen.count++;
  }

  /** Races seen so far, first occurrence of each with how often it happened. */
  races(): Array<Race & { count: number }> {
    return [...this.seen.values()].map(({ race, count }) => ({ ...race, count }));
  }

  private hookExit(): void {
    if (this.exitHooked) return;
    this.exitHooked = true;
    process.on('exit', () => this.writeCounts());
  }

  private writeCounts(): void {
    const races: Record<string, number> = {};
    let occurrences = 0;
    for (const [id, { count }] of this.seen) {
      races[id] = count;
      occurrences += count;
    }
    this.log().info({ counts: { races, suppressed: 0 } }, countsMessage(this.seen.size, occurrences));
  }
}

/** Tells `asyncrace run --fail-on-race` that this process reported a race. */
function flagRaceForCli(): void {
  const file = process.env[ENV.raceFlagFile];
  if (file) fs.appendFileSync(file, `${process.pid}\n`);
}
