import { createHash } from 'node:crypto';
import { siteOf } from '../runtime/modules';
import { logicalTask, type Task } from '../tracker/tasks';
import type { Location } from './location';
import type { Race, RaceKind } from './race';

/** Matches the plugin's DependencyKind: how a write depends on its read. */
const KINDS: readonly RaceKind[] = ['lost-update', 'stale-check'];

/** One stale write as the runtime saw it, before it is put into words. */
export interface StaleWrite {
  readonly location: Location;
  readonly writeSite: number;
  readonly task: Task;
  readonly other: Task;
  readonly readVersion: number;
  readonly awaitsAtRead: number;
  readonly readSite: number;
  readonly kind: number;
}

/**
 * A number naming the race of a stale write within its module (same kind, location declaration,
 * read site and write site: same race), so repeats are recognised without formatting anything.
 */
export function raceKey({ location, readSite, writeSite, kind }: StaleWrite): number {
  const sites = (location.module?.positions.length ?? 0) / 2 + 1;
  return ((location.declared * 2 + kind) * sites + readSite) * sites + writeSite;
}

/**
 * Stable across runs and processes for the same kind, target (its declaration for a variable),
 * read site and write site: what `asyncrace report` groups by.
 */
export function raceId(kind: RaceKind, target: string, readSite: string, writeSite: string): string {
  return createHash('sha1').update(`${kind}\0${target}\0${readSite}\0${writeSite}`).digest('hex').slice(0, 12);
}

/** The `race` object of the report line for a stale write. */
export function describeRace(stale: StaleWrite): Race {
  const { location, task, other, readVersion, awaitsAtRead } = stale;
  const kind = KINDS[stale.kind] ?? 'lost-update';
  const module = location.module;
  const declared = siteOf(module, location.declared);
  const read = siteOf(module, stale.readSite);
  const write = siteOf(module, stale.writeSite);
  const awaited = task.awaitAfter(awaitsAtRead);
  const self = logicalTask(task).id;
  return {
    id: raceId(kind, declared, read, write),
    kind,
    target: { name: location.name, type: 'variable', declared },
    read: { site: read, version: readVersion, task: self },
    await: { site: awaited ? siteOf(awaited.module, awaited.site) : read },
    intervening: { site: siteOf(module, location.writeSite), version: location.version, task: other.id },
    write: { site: write, version: location.version + 1, task: self },
  };
}
