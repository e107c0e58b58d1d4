import type { Race } from '../detector/race';

/** The one-line `msg` of a race report, for a person reading the log. */
export function raceMessage(race: Race): string {
  const how = race.kind === 'stale-check' ? 'under a condition computed from a value read' : 'from a value read';
  const what = race.kind === 'stale-check' ? 'stale check' : 'lost update';
  return (
    `${what}: ${race.target.name} written at ${race.write.site} ${how} at ${race.read.site} ` +
    `before await at ${race.await.site}; another task wrote it at ${race.intervening.site} in between`
  );
}

/** `asyncrace counts: 2 races, 57 occurrences`, and `, 3 suppressed` when suppressions silenced any. */
export function countsMessage(races: number, occurrences: number, suppressed: number): string {
  const counted = `asyncrace counts: ${races} ${races === 1 ? 'race' : 'races'}, ${occurrences} ${occurrences === 1 ? 'occurrence' : 'occurrences'}`;
  return suppressed > 0 ? `${counted}, ${suppressed} suppressed` : counted;
}
