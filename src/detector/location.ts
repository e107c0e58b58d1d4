import type { ModuleSites } from '../runtime/modules';
import type { Task } from '../tracker/tasks';

/**
 * One shared location (for now: one instance of a shared variable) with a version that every write
 * increments, and who made the last write where.
 */
export class Location {
  version = 0;
  writer: Task | null = null;
  /** Site id (in `module`) of the last write. */
  writeSite = -1;

  constructor(
    readonly module: ModuleSites | undefined,
    readonly name: string,
    /** Site id of the declaration. */
    readonly declared: number,
  ) {}
}
