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

/**
 * `asyncrace counts: 2 races, 57 occurrences`, exactly as CONTRACT.md writes it; what suppressions
 * silenced is in the line's `counts.suppressed`.
 */
export function countsMessage(races: number, occurrences: number): string {
  return `asyncrace counts: ${races} ${races === 1 ? 'race' : 'races'}, ${occurrences} ${occurrences === 1 ? 'occurrence' : 'occurrences'}`;
}
