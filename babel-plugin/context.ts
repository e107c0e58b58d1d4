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
export function checkKind(dep: Dependency): number {
  return dep.kind + (dep.readerTask ? 2 : 0);
}

/** Per async function: the task variable and the stamp locals it must declare. */
export interface AsyncFunctionInfo {
  readonly task: BabelTypes.Identifier;
  readonly stampLocals: BabelTypes.Identifier[];
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
  readonly asyncFunctions: Map<BabelTypes.Node, AsyncFunctionInfo>;
  /** Read identifiers whose version must be recorded, and where. */
  readonly readStamps: Map<BabelTypes.Node, ReadStamp>;
  /** Expressions that begin with a stamped read V8 may quote in an error message: how to wrap them instead. */
  readonly stampsAround: Map<BabelTypes.Node, (expression: BabelTypes.Expression) => BabelTypes.Expression>;
  /** Writes (assignment nodes) that depend on earlier reads of their location. */
  readonly writeDependencies: Map<BabelTypes.Node, Dependency[]>;
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
