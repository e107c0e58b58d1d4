import type { NodePath, types as BabelTypes } from '@babel/core';
import { inParameters } from './functions';
import type { SiteTable } from './sites';

export type Types = typeof BabelTypes;

/** A variable that more than one function can touch: it gets a runtime location ("cell"). */
export interface SharedVariable {
  readonly name: string;
  /** Identifier of the generated constant holding the runtime location. */
  readonly cell: BabelTypes.Identifier;
  /** Site id of the declaration. */
  readonly declared: number;
}

/** Locals that hold the version and await count observed by one read, for a later dependent write. */
export interface ReadStamp {
  readonly version: BabelTypes.Identifier;
  readonly awaits: BabelTypes.Identifier;
  /** For a property or an entry, which location the read found (made at run time). */
  readonly location: BabelTypes.Identifier | undefined;
  readonly site: number;
  /** Set when the read's value leaves its function: the local holding its runtime Flow. */
  flow?: BabelTypes.Identifier;
}

/** How a write depends on an earlier read of the same location. */
export const enum DependencyKind {
  /** The written value is computed from the read. */
  Value = 0,
  /** The write happens under a condition computed from the read (check-then-act). */
  Condition = 1,
}

export interface Dependency {
  readonly stamp: ReadStamp;
  readonly kind: DependencyKind;
  /**
   * Set when the write is in a synchronous function nested in the reading async function (a
   * callback it made, perhaps run later): the reading function's task, which the check uses.
   */
  readonly readerTask?: BabelTypes.Identifier;
}

/** What generated checks pass as `kind` (see the runtime's stale-read.ts): the dependency kind, plus 2 in a callback. */
export function checkKind(dep: Pick<Dependency, 'kind' | 'readerTask'>): number {
  return dep.kind + (dep.readerTask ? 2 : 0);
}

/** A write computed from values handed on from other functions (call results, parameters). */
export interface FlowDependency {
  /** Locals holding the flows of those values. */
  readonly flows: BabelTypes.Identifier;
  readonly kind: DependencyKind;
  /** As for Dependency: the task of the function the callback is in. */
  readonly readerTask?: BabelTypes.Identifier;
}

/** A parameter whose value may carry flows: taken into `local` as the function starts. */
export interface ParameterTake {
  readonly index: number;
  readonly name: string;
  readonly local: BabelTypes.Identifier;
}

/**
 * Per instrumented function: its task variable (every async function; a synchronous one only when
 * its stamps need one), the locals it must declare, and the parameters it takes flows for.
 */
export interface FunctionInfo {
  task: BabelTypes.Identifier | null;
  /** A synchronous function whose callbacks write from its reads: a task of its own when the event loop calls it. */
  ownTask: boolean;
  readonly stampLocals: BabelTypes.Identifier[];
  readonly parameterTakes: ParameterTake[];
}

/** Everything the visitors of one file share. */
export interface InstrumentContext {
  readonly t: Types;
  readonly sites: SiteTable;
  /** Namespace of the asyncrace runtime in the generated module. */
  readonly runtime: BabelTypes.Identifier;
  /** The module handle: file name and site table, registered with the runtime. */
  readonly module: BabelTypes.Identifier;
  /** Shared variables, keyed by the identifier that declares them (stable across scope crawls). */
  readonly shared: Map<BabelTypes.Node, SharedVariable>;
  readonly functions: Map<BabelTypes.Node, FunctionInfo>;
  /** Read identifiers whose version must be recorded, and where. */
  readonly readStamps: Map<BabelTypes.Node, ReadStamp>;
  /** Expressions that begin with a stamped read V8 may quote in an error message: how to wrap them instead. */
  readonly stampsAround: Map<BabelTypes.Node, (expression: BabelTypes.Expression) => BabelTypes.Expression>;
  /** Writes (assignment nodes) that depend on earlier reads of their location. */
  readonly writeDependencies: Map<BabelTypes.Node, Dependency[]>;
  /** Writes computed from values handed on from other functions. */
  readonly writeFlows: Map<BabelTypes.Node, FlowDependency[]>;
  /** `return` statements that hand flows on: their sources. */
  readonly returnFlows: Map<BabelTypes.Node, BabelTypes.Identifier[]>;
  /** Calls that hand flows to the callee: for each argument position, its sources. */
  readonly argumentFlows: Map<BabelTypes.Node, { index: number; sources: BabelTypes.Identifier[] }[]>;
  /** Calls (or awaits of a call) whose result may carry flows: the local that takes them. */
  readonly carriers: Map<BabelTypes.Node, BabelTypes.Identifier>;
  /** Compound and logical assignments whose own read must be stamped. */
  readonly implicitReadStamps: Map<BabelTypes.Node, ReadStamp>;
  /** Nodes the plugin produced: never instrumented again. */
  readonly generated: WeakSet<BabelTypes.Node>;
  /** Whether a path lies in code left alone (functions using `eval` or `with`). */
  isOpaque(path: NodePath): boolean;
}

/** The shared variable a name refers to at `path`, if any, and if its cell can be used there. */
export function sharedVariableAt(ctx: InstrumentContext, path: NodePath, name: string): SharedVariable | undefined {
  const binding = path.scope.getBinding(name);
  if (!binding) return undefined;
  // A function's cells are declared in its body, out of reach of closures in its parameter defaults.
  if (binding.scope.path.isFunction() && inParameters(path, binding.scope.path)) return undefined;
  return ctx.shared.get(binding.identifier);
}
