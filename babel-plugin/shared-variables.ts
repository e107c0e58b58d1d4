import type { NodePath, types as BabelTypes } from '@babel/core';
import type { Binding, Scope } from '@babel/traverse';
import type { InstrumentContext, SharedVariable } from './context';
import type { Templates } from './templates';
import { enclosingUnit, statementBeforeLabels } from './functions';

/** Binding kinds that can be assigned (imports, consts, functions and classes are left alone). */
const ASSIGNABLE_KINDS = new Set(['var', 'let', 'param']);

function unitOfScope(scope: Scope): NodePath | null {
  if (scope.path.isProgram()) return null;
  if (scope.path.isFunction()) return scope.path;
  return enclosingUnit(scope.path);
}

/**
 * A binding is shared when two tasks can write it: it lives at module top level, or a nested
 * function (a closure, which may run in another task) assigns it. A binding only its own function
 * assigns is written by one activation, hence one task, and cannot lose an update to another; nor
 * can one never assigned after its declaration. Everything else stays untouched and costs nothing.
 */
function isShared(binding: Binding): boolean {
  if (!ASSIGNABLE_KINDS.has(binding.kind) || binding.constantViolations.length === 0) return false;
  const home = unitOfScope(binding.scope);
  if (home === null) return true;
  return binding.constantViolations.some((write) => enclosingUnit(write) !== home);
}

function allScopes(program: NodePath<BabelTypes.Program>): Scope[] {
  const scopes = new Set<Scope>([program.scope]);
  program.traverse({
    Scopable(path) {
      scopes.add(path.scope);
    },
  });
  return [...scopes];
}

/** Put the declaration of a location cell where each new instance of the binding is made. */
function declareCell(scope: Scope, cell: BabelTypes.Statement, header: BabelTypes.Statement[]): void {
  const path = scope.path;
  if (path.isProgram()) {
    header.push(cell);
  } else if (path.isFunction()) {
    const fn: NodePath<BabelTypes.Function> = path;
    fn.ensureBlock();
    (fn.get('body') as NodePath<BabelTypes.BlockStatement>).unshiftContainer('body', cell);
  } else if (path.isBlockStatement()) {
    path.unshiftContainer('body', cell);
  } else if (path.isStaticBlock()) {
    path.node.body.unshift(cell);
  } else if (path.isCatchClause()) {
    path.get('body').unshiftContainer('body', cell);
  } else if (path.isFor() || path.isSwitchStatement()) {
    // One location per loop or switch statement: per-iteration bindings share it (see README).
    statementBeforeLabels(path).insertBefore(cell);
  }
}

/** A shared variable found in a scope, waiting for its cell declaration. */
export interface FoundVariable {
  readonly scope: Scope;
  readonly variable: SharedVariable;
}

/** Finds the shared variables of a file and registers them in the context (no code changes yet). */
export function findSharedVariables(program: NodePath<BabelTypes.Program>, ctx: InstrumentContext): FoundVariable[] {
  const found: FoundVariable[] = [];
  for (const scope of allScopes(program)) {
    for (const binding of Object.values(scope.bindings)) {
      if (binding.scope !== scope || ctx.isOpaque(binding.path) || !isShared(binding)) continue;
      const name = binding.identifier.name;
      const variable: SharedVariable = {
        name,
        cell: scope.generateUidIdentifier(`arc_${name}`),
        declared: ctx.sites.add(binding.identifier),
      };
      ctx.shared.set(binding.identifier, variable);
      found.push({ scope, variable });
    }
  }
  return found;
}

/**
 * Declares a runtime location for each shared variable where each new instance of its binding is
 * made. Program-level declarations are returned, to be emitted after the runtime is loaded.
 */
export function declareCells(found: FoundVariable[], templates: Templates): BabelTypes.Statement[] {
  const header: BabelTypes.Statement[] = [];
  for (const { scope, variable } of found) {
    const kind = scope.path.isProgram() || scope.path.isFunction() ? 'var' : 'const';
    declareCell(scope, templates.declareCell(kind, variable.cell, variable.name, variable.declared), header);
  }
  return header;
}
