import type { ModuleSites } from '../runtime/modules';
import { currentTurn, logicalTask, type Task } from '../tracker/tasks';
import type { Location } from './location';

/**
 * Reads handed on from one function to another. Within a function the plugin sees statically which
 * reads a write is computed from; across functions it cannot, so a read whose value leaves its
 * function (returned, or passed as an argument) is captured as a Flow, and travels beside the value:
 * from a `return` to the caller that takes the call's result, from an argument to the callee's
 * parameter. Each hand-off is matched by the value itself (`Object.is`) within one turn, so a flow
 * meant for another call is dropped rather than attached to the wrong value: the link is inferred,
 * and reports made from it say so.
 */
export class Flow {
  constructor(
    readonly location: Location,
    /** The location's version the read saw. */
    readonly version: number,
    /** `currentTurn()` at the read. */
    readonly turn: number,
    readonly module: ModuleSites | undefined,
    readonly site: number,
    readonly task: Task,
  ) {}
}

/**
 * What generated code passes as the flows of a value: one local (a read's Flow, or the flows a
 * value it took carries), or an array of them when the value comes from several.
 */
export type FlowSources = Flow | readonly Flow[] | undefined | readonly FlowSources[];

interface HandOff {
  /** The value handed on; an object only weakly, so a hand-off nobody takes keeps nothing alive. */
  readonly value: unknown;
  readonly flows: readonly Flow[];
  readonly turn: number;
}

function hold(value: unknown): unknown {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? new WeakRef(value) : value;
}

function isHeld(handed: HandOff, value: unknown): boolean {
  const held = handed.value;
  return Object.is(held instanceof WeakRef ? held.deref() : held, value);
}

/** The flows of the return value a synchronous function handed to its caller, not yet taken. */
let returned: HandOff | null = null;
/** Flows of arguments, by position, handed by a caller to the function it is calling. */
const argumentsHanded: (HandOff | undefined)[] = [];

/** The flows among `sources`, or null when there are none (the common case: nothing allocated). */
function flowsOf(sources: FlowSources, into: Flow[] | null = null): Flow[] | null {
  if (sources instanceof Flow) (into ??= []).push(sources);
  else if (Array.isArray(sources)) for (const source of sources) into = flowsOf(source as FlowSources, into);
  return into;
}

function handOff(value: unknown, sources: FlowSources): HandOff | null {
  const flows = flowsOf(sources);
  return flows === null ? null : { value: hold(value), flows, turn: currentTurn() };
}

function taken(handed: HandOff | null | undefined, value: unknown): readonly Flow[] | undefined {
  return handed && handed.turn === currentTurn() && isHeld(handed, value) ? handed.flows : undefined;
}

/** A function returns `value`: an async function keeps its flows on its task, a synchronous one in `returned`. */
export function handReturn(value: unknown, sources: FlowSources, task: Task | undefined): void {
  const handed = handOff(value, sources);
  if (task !== undefined) task.out = handed;
  else returned = handed;
}

/** The caller took `value` from a synchronous call: the flows handed with it, if it is that value. */
export function takeReturn(value: unknown): readonly Flow[] | undefined {
  const flows = taken(returned, value);
  returned = null;
  return flows;
}

/**
 * The task got `value` from an await: the flows the async function it called and awaited at once
 * returned with it. (The await joined that function's task to this one, and nothing ran in this task
 * since, so it is still the last task it started.)
 */
export function takeAwaited(task: Task, value: unknown): readonly Flow[] | undefined {
  const callee = task.last;
  if (callee === null || callee.joined !== task) return undefined;
  const handed = callee.out as HandOff | null;
  callee.out = null;
  return handed && isHeld(handed, value) ? handed.flows : undefined;
}

/** A caller passes `value` as argument `index`. */
export function handArgument(value: unknown, index: number, sources: FlowSources): void {
  const handed = handOff(value, sources);
  if (handed !== null) argumentsHanded[index] = handed;
}

/** The called function's parameter `index` holds `value`: the flows its caller handed with it. */
export function takeArgument(index: number, value: unknown): readonly Flow[] | undefined {
  const flows = taken(argumentsHanded[index], value);
  if (flows !== undefined) argumentsHanded[index] = undefined;
  return flows;
}

/**
 * The flow-based counterpart of staleWriter: the write of `location` by `task` is computed from a
 * read handed on in `flow`. Stale when an await began anywhere since the read, the version moved,
 * and the last writer is neither the writing task nor the reading one.
 */
export function staleFlowWriter(location: Location, flow: Flow, task: Task): Task | undefined {
  if (flow.location !== location || location.version === flow.version || currentTurn() === flow.turn) return undefined;
  const writer = location.writer;
  if (writer === null) return undefined;
  const other = logicalTask(writer);
  return other === logicalTask(task) || other === logicalTask(flow.task) ? undefined : other;
}
