import { createHash } from 'node:crypto';
import { siteOf } from '../runtime/modules';
import { logicalTask, type Task } from '../tracker/tasks';
import type { Location } from './location';
import type { Race, RaceKind } from './race';

/** Matches the plugin's DependencyKind: how a write depends on its read. */
const KINDS: readonly RaceKind[] = ['lost-update', 'stale-check'];

/**
 * Stable across runs and processes for the same kind, target (its declaration for a variable),
 * read site and write site: what `asyncrace report` groups by.
 */
export function raceId(kind: RaceKind, target: string, readSite: string, writeSite: string): string {
  return createHash('sha1').update(`${kind}\0${target}\0${readSite}\0${writeSite}`).digest('hex').slice(0, 12);
}

/**
 * The detector's one question, asked at a write that depends on an earlier read of the same
 * location: did the read go stale across an await? It did when the task has passed an await since
 * the read, the location's version moved, and the last write was made by another logical task.
 * Returns the race to report, or undefined.
 */
export function staleRead(
  location: Location,
  writeSite: number,
  task: Task,
  readVersion: number | undefined,
  awaitsAtRead: number | undefined,
  readSite: number,
  kind: number,
): Race | undefined {
  if (readVersion === undefined || awaitsAtRead === undefined) return undefined; // the read did not run
  if (location.version === readVersion || task.q === awaitsAtRead) return undefined;
  const writer = location.writer;
  if (writer === null) return undefined;
  const self = logicalTask(task);
  const other = logicalTask(writer);
  if (self === other) return undefined;

  const raceKind = KINDS[kind] ?? 'lost-update';
  const module = location.module;
  const declared = siteOf(module, location.declared);
  const read = siteOf(module, readSite);
  const write = siteOf(module, writeSite);
  const awaited = task.awaitAfter(awaitsAtRead);
  return {
    id: raceId(raceKind, declared, read, write),
    kind: raceKind,
    target: { name: location.name, type: 'variable', declared },
    read: { site: read, version: readVersion, task: self.id },
    await: { site: awaited ? siteOf(awaited.module, awaited.site) : read },
    intervening: { site: siteOf(module, location.writeSite), version: location.version, task: other.id },
    write: { site: write, version: location.version + 1, task: self.id },
  };
}
