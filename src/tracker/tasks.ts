import { captureStack, FULL_STACKS, type CapturedStack } from '../reporter/stacks';
import type { ModuleSites } from '../runtime/modules';
import { sampleRootTask } from '../staging/sampling';
import { runningTest, type TestRef } from './tests';

/** How many recent await sites a task remembers, to name the await a stale read was taken before. */
const AWAIT_HISTORY = 8;

/**
 * One async function invocation and all its continuations. Instrumented code holds its own task in
 * a local, so accesses in async functions never ask "which task is this?"; synchronous code asks
 * `currentTask()`, which the enter/suspend/resume/leave calls below keep right.
 */
export class Task {
  /** What `current` was when this task's running segment began: restored when it stops running. */
  prev: Task | null = null;
  /** Awaits passed so far: a read and a write with the same count had no await in between. */
  q = 0;
  /** Tasks started while this one was running: lets an await tell whether it awaits one of them. */
  n = 0;
  /** The task started most recently while this one was running. */
  last: Task | null = null;
  /** Set when the task was awaited as soon as it was started: it is then part of that task. */
  joined: Task | null = null;
  /** What the async function handed to its caller with its return value (see detector/flows.ts). */
  out: unknown = null;
  /** The test this task runs for (see tests.ts): its parent's, or the runner's for a task started by no task. */
  test: TestRef | undefined = undefined;
  /**
   * Whether its stale writes are looked for (see staging/sampling.ts): its parent's, or drawn for a
   * task started by no task. An untracked task's writes are still recorded, so that a tracked task
   * reading the same location still sees them.
   */
  tracked = true;
  /** With full stacks: where the task was started. */
  readonly startStack: CapturedStack | undefined = FULL_STACKS ? captureStack() : undefined;
  private awaitModules: (ModuleSites | undefined)[] | null = null;
  private awaitSites: number[] | null = null;
  /** The turn (see `currentTurn`) each remembered await began. */
  private awaitTurns: number[] | null = null;

  constructor(readonly id: number) {}

  recordAwait(module: ModuleSites | undefined, site: number): void {
    if (this.awaitSites === null) {
      this.awaitModules = new Array(AWAIT_HISTORY);
      this.awaitSites = new Array(AWAIT_HISTORY);
      this.awaitTurns = new Array(AWAIT_HISTORY);
    }
    const slot = this.q % AWAIT_HISTORY;
    this.awaitModules![slot] = module;
    this.awaitSites[slot] = site;
    this.awaitTurns![slot] = turns;
  }

  /** The first await passed after the task had passed `awaitsBefore` awaits (or the oldest remembered). */
  awaitAfter(awaitsBefore: number): { module: ModuleSites | undefined; site: number } | undefined {
    if (this.awaitSites === null || awaitsBefore >= this.q) return undefined;
    const wanted = Math.max(awaitsBefore + 1, this.q - AWAIT_HISTORY + 1);
    const slot = wanted % AWAIT_HISTORY;
    return { module: this.awaitModules![slot], site: this.awaitSites[slot] };
  }

  /** The first remembered await the task began at or after `turn`. */
  awaitSince(turn: number): { module: ModuleSites | undefined; site: number } | undefined {
    if (this.awaitSites === null) return undefined;
    for (let i = Math.max(1, this.q - AWAIT_HISTORY + 1); i <= this.q; i++) {
      const slot = i % AWAIT_HISTORY;
      if (this.awaitTurns![slot] >= turn) return { module: this.awaitModules![slot], site: this.awaitSites[slot] };
    }
    return undefined;
  }
}

/** Code that runs outside any async function: module top level, timers, event callbacks. */
const MAIN_TASK = new Task(0);

let nextId = 1;
let current: Task | null = null;
/** Awaits begun by any task so far: a read and a write in the same turn had no await anywhere between. */
let turns = 0;

export function currentTurn(): number {
  return turns;
}

export function currentTask(): Task {
  return current ?? MAIN_TASK;
}

/** The logical task: an awaited-at-once task counts as the task that awaited it. */
export function logicalTask(task: Task): Task {
  let t = task;
  while (t.joined !== null) t = t.joined;
  return t;
}

/**
 * An async function was called: a new task starts, running synchronously inside its caller. An
 * async generator's body (`generator`) runs only while its consumer awaits `next()`, taking turns
 * with it like an awaited call: it is part of the consumer's task.
 */
export function enterTask(generator = false): Task {
  const parent = current;
  const task = new Task(nextId++);
  if (parent !== null) {
    parent.n++;
    parent.last = task;
    if (generator) task.joined = parent;
    task.test = parent.test;
    task.tracked = parent.tracked;
  } else {
    task.test = runningTest();
    task.tracked = sampleRootTask();
  }
  task.prev = parent;
  current = task;
  return task;
}

/**
 * The task reaches an await. `startedBefore` is how many tasks it had started before the awaited
 * expression was evaluated: if that expression started exactly one (`await save()`), the task waits
 * for it and nothing else, so the two are one logical task. Tasks started together
 * (`await Promise.all([a(), b()])`) stay distinct.
 */
export function suspendTask(task: Task, startedBefore: number, module: ModuleSites | undefined, site: number): void {
  if (task.n === startedBefore + 1 && task.last !== null && task.last.joined === null) task.last.joined = task;
  task.q++;
  task.recordAwait(module, site);
  turns++;
  if (current === task) current = task.prev;
}

/** The task runs again (after an await, or entering a catch/finally block after a rejection). */
export function resumeTask(task: Task): void {
  if (current !== task) {
    task.prev = current;
    current = task;
  }
}

/**
 * A synchronous function that stamps reads starts: it runs in the current task. Called by the event
 * loop (a timer or `.then()` callback), it is task 0 — or, when callbacks it makes write from its
 * reads (`own`), a task of its own, so that two such chains are two tasks.
 */
export function syncTask(own = false): Task {
  if (current !== null) return current;
  if (!own) return MAIN_TASK;
  const task = new Task(nextId++);
  task.test = runningTest();
  task.tracked = sampleRootTask();
  return task;
}

/**
 * The async function returned or threw. Its links to the task that ran before it and to the last
 * task it started are only read while it runs: dropped, so that a finished task some location still
 * names as its writer does not keep a chain of later tasks alive (a function that calls itself again
 * without awaiting would otherwise chain every call, for as long as the service runs).
 */
export function leaveTask(task: Task): void {
  if (current === task) current = task.prev;
  task.prev = null;
  task.last = null;
}
