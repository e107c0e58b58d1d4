import * as fs from 'node:fs';
import { ENV } from './config';

/**
 * What the processes of an `asyncrace run --fail-on-race` tell the CLI, through the file
 * `ASYNCRACE_RACE_FLAG_FILE` names (one short line per event, appended: safe from any number of
 * processes and threads): a race was reported; a test runner integration failed a test because it
 * raced; a test failed for another reason. With these the CLI tells a run that failed only because
 * of races (exit 66) from one that failed on its own (its own status).
 */
export type Outcome = 'race' | 'race-failure' | 'other-failure';

export function noteOutcome(outcome: Outcome): void {
  const file = process.env[ENV.raceFlagFile];
  if (!file) return;
  try {
    fs.appendFileSync(file, `${outcome} ${process.pid}\n`);
  } catch {
    // The CLI's temporary directory is gone (the run is over): nothing left to tell.
  }
}

/** The outcomes noted so far in `file` (none when no process wrote it). */
export function readOutcomes(file: string): Set<Outcome> {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return new Set();
  }
  return new Set(text.split('\n').map((line) => line.split(' ')[0]).filter((word): word is Outcome => word === 'race' || word === 'race-failure' || word === 'other-failure'));
}
