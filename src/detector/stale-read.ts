import { logicalTask, type Task } from '../tracker/tasks';
import type { Location } from './location';

/**
 * The detector's one question, asked at a write that depends on an earlier read of the same
 * location: did the read go stale across an await? It did when the task has passed an await since
 * the read, the location's version moved, and the last write was made by another logical task.
 * Returns that other task, or undefined. Cheap: it runs at every dependent write.
 */
export function staleWriter(location: Location, task: Task, readVersion: number | undefined, awaitsAtRead: number | undefined): Task | undefined {
  if (readVersion === undefined || awaitsAtRead === undefined) return undefined; // the read did not run
  if (location.version === readVersion || task.q === awaitsAtRead) return undefined;
  const writer = location.writer;
  if (writer === null) return undefined;
  const other = logicalTask(writer);
  return other === logicalTask(task) ? undefined : other;
}
