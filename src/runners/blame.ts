import { ENV, shownLogTarget, streamName } from '../config';
import { noteOutcome } from '../outcome';
import { raceInBrief, RACY_TEST } from '../reporter/message';
import runtime from '../runtime';
import type { TestRef } from '../tracker/tests';

/** Races already blamed on a test (`id\0file\0name`), so each fails only the tests that made it, once. */
const blamed = new Set<string>();

/** Where a person finds the reports, in words. */
function whereReportsGo(): string {
  const target = shownLogTarget();
  return target.kind === 'file' ? `in ${target.path}` : `on ${streamName(target.fd)}`;
}

/**
 * Called by a runner integration as `test` ends (`failed`: it failed on its own). With
 * `ASYNCRACE_FAIL_ON_RACE=1` (`asyncrace run --fail-on-race`): the error to fail `test` with, naming
 * the races reported while it ran and not blamed on it yet; else null. Either way `asyncrace run`
 * learns whether the run failed only because of races (see outcome.ts).
 */
export function raceFailure(test: TestRef, failed = false): Error | null {
  if (failed) noteOutcome('other-failure');
  if (process.env[ENV.failOnRace] !== '1') return null;
  const key = (race: { id: string }) => `${race.id}\0${test.file}\0${test.name}`;
  const raced = runtime.races().filter((race) => !blamed.has(key(race)) && race.tests.some((made) => made.file === test.file && made.name === test.name));
  if (raced.length === 0) return null;
  raced.forEach((race) => blamed.add(key(race)));
  noteOutcome('race-failure');
  const error = new Error(`${RACY_TEST}: ${raced.map(raceInBrief).join('; ')}; see the asyncrace reports (${whereReportsGo()})`);
  error.stack = `Error: ${error.message}`; // the runner would show asyncrace's own frames: noise
  return error;
}
