import { logicalTask, type Task } from '../tracker/tasks';
import type { Location } from './location';

/**
 * How a write depends on its read, as generated code passes it: bit 0 is the kind of dependency
 * (0 value, 1 condition); bit 1 is set when the write is in a callback the reading function made,
 * which may run after any number of event-loop turns: an async boundary may have passed even if
 * the reading task did not await.
 */
export const CONDITION = 1;
export const IN_CALLBACK = 2;

/**
 * The detector's one question, asked at a write that depends on an earlier read of the same
 * location: did the read go stale across an await? It did when the task has passed an await since
 * the read, the location's version moved, and the last write was made by another logical task.
 * Returns that other task, or undefined. Cheap: it runs at every dependent write.
 */
export function staleWriter(location: Location, task: Task, readVersion: number | undefined, awaitsAtRead: number | undefined, how: number): Task | undefined {
  if (readVersion === undefined || awaitsAtRead === undefined) return undefined; // the read did not run
  if (location.version === readVersion) return undefined;
  if (task.q === awaitsAtRead && (how & IN_CALLBACK) === 0) return undefined;
  const writer = location.writer;
  if (writer === null) return undefined;
  const other = logicalTask(writer);
  return other === logicalTask(task) ? undefined : other;
}
