import type { Race } from '../detector/race';

/** The one-line `msg` of a race report, for a person reading the log. */
export function raceMessage(race: Race, inferred = false): string {
  const how = race.kind === 'stale-check' ? 'under a condition computed from a value read' : 'from a value read';
  const what = race.kind === 'stale-check' ? 'stale check' : 'lost update';
  return (
    `${what}: ${race.target.name} written at ${race.write.site} ${how} at ${race.read.site} ` +
    `before await at ${race.await.site}; another task wrote it at ${race.intervening.site} in between` +
    (inferred ? ' (the read reached the write through a function call: linked by its value, inferred)' : '')
  );
}

/** How the error a test runner integration fails a racy test with starts (the jest reporter looks for it). */
export const RACY_TEST = 'asyncrace: this test raced';

/** A race in a few words, where a line names it among others: `lost-update on this.balance at src/a.js:9:3 (race 3eada0403694)`. */
export function raceInBrief(race: Pick<Race, 'id' | 'kind' | 'target' | 'write'>): string {
  return `${race.kind} on ${race.target.name} at ${race.write.site} (race ${race.id})`;
}

/**
 * `asyncrace counts: 2 races, 57 occurrences`, exactly as CONTRACT.md writes it; what suppressions
 * silenced is in the line's `counts.suppressed`.
 */
export function countsMessage(races: number, occurrences: number): string {
  return `asyncrace counts: ${races} ${races === 1 ? 'race' : 'races'}, ${occurrences} ${occurrences === 1 ? 'occurrence' : 'occurrences'}`;
}
