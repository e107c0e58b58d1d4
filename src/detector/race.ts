/** The `race` object of a report line, exactly as CONTRACT.md fixes it. */
export type RaceKind = 'lost-update' | 'stale-check';
export type TargetType = 'variable' | 'property' | 'map-entry' | 'set-member' | 'array-element';

export interface RaceAccess {
  site: string;
  version: number;
  task: number;
  /** Frames `fn (path:line:column)`, innermost first (see reporter/stacks.ts). */
  stack?: string[];
}

export interface Race {
  id: string;
  kind: RaceKind;
  target: { name: string; type: TargetType; declared?: string };
  read: RaceAccess;
  await: { site: string };
  intervening: RaceAccess;
  write: RaceAccess;
  /** The test running when the race happened (CONTRACT.md `race.test`), when a test runner ran it. */
  test?: { file: string; name: string };
}
