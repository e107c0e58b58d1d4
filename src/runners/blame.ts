import { ENV } from '../config';
import runtime from '../runtime';
import type { TestRef } from '../tracker/tests';

/** Races already blamed on a test, so each fails only the test that made it. */
const blamed = new Set<string>();

/**
 * With `ASYNCRACE_FAIL_ON_RACE=1` (`asyncrace run --fail-on-race`): the error a runner integration
 * fails `test` with, naming the races reported while it ran and not blamed on a test yet; else null.
 */
export function raceFailure(test: TestRef): Error | null {
  if (process.env[ENV.failOnRace] !== '1') return null;
  const raced = runtime.races().filter((race) => !blamed.has(race.id) && race.test?.file === test.file && race.test.name === test.name);
  if (raced.length === 0) return null;
  raced.forEach((race) => blamed.add(race.id));
  const sites = raced.map((race) => `${race.kind} on ${race.target.name} at ${race.write.site} (race ${race.id})`).join('; ');
  return new Error(`asyncrace: this test raced: ${sites}; see the asyncrace reports`);
}
