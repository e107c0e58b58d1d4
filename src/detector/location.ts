import { captureStack, FULL_STACKS, type CapturedStack } from '../reporter/stacks';
import type { ModuleSites } from '../runtime/modules';
import type { Task } from '../tracker/tasks';

/**
 * One shared location with a version that every write increments, and who made the last write
 * where: an instance of a shared variable, a property of an object, an entry of a Map or Set.
 */
export class Location {
  version = 0;
  writer: Task | null = null;
  writeModule: ModuleSites | undefined = undefined;
  /** Site id (in `writeModule`) of the last write. */
  writeSite = -1;
  /** With full stacks: the last write's stack, and each task's last stamped read's. */
  writeStack: CapturedStack | undefined = undefined;
  readStacks: WeakMap<Task, CapturedStack> | undefined = undefined;

  /** A write happened now, made by `task` at `site`. */
  written(task: Task, module: ModuleSites | undefined, site: number): void {
    this.version++;
    this.writer = task;
    this.writeModule = module;
    this.writeSite = site;
    if (FULL_STACKS) this.writeStack = captureStack();
  }

  /** With full stacks: `task` stamps a read of this location now. */
  read(task: Task): void {
    (this.readStacks ??= new WeakMap()).set(task, captureStack());
  }
}

/** A shared variable: its name and declaration are known statically. */
export class VariableLocation extends Location {
  constructor(
    readonly module: ModuleSites | undefined,
    readonly name: string,
    /** Site id of the declaration. */
    readonly declared: number,
  ) {
    super();
  }
}
