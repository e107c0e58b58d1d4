import type { NodePath, types as BabelTypes } from '@babel/core';

/**
 * The code unit a path runs in: the nearest function, or a class field initializer or static block
 * (which run at construction or class definition, not as part of the surrounding function), or null
 * for module top level.
 */
export function enclosingUnit(path: NodePath): NodePath | null {
  let current: NodePath | null = path.parentPath;
  let child: NodePath = path;
  while (current) {
    if (current.isFunction()) return current;
    if (current.isStaticBlock()) return current;
    if (
      (current.isClassProperty() || current.isClassPrivateProperty() || current.isClassAccessorProperty()) &&
      child.key === 'value'
    ) {
      return current;
    }
    child = current;
    current = current.parentPath;
  }
  return null;
}

/** Whether a path lies in the parameter list of `fn`: code there runs before the body and cannot see its locals. */
export function inParameters(path: NodePath, fn: NodePath): boolean {
  return path.find((p) => p.parentPath === fn)?.listKey === 'params';
}

/** Whether a node uses direct `eval` or `with`, which can change what names mean at run time. */
function usesDynamicScope(path: NodePath): boolean {
  if (path.isWithStatement()) return true;
  if (path.isCallExpression()) {
    const callee = path.node.callee;
    return callee.type === 'Identifier' && callee.name === 'eval' && !path.scope.hasBinding('eval', true);
  }
  return false;
}

/**
 * Functions (and the program) that use direct `eval` or `with`: they and everything inside them are
 * left uninstrumented, since generated code could not be sure what their names refer to.
 */
export function findOpaqueUnits(program: NodePath<BabelTypes.Program>): Set<BabelTypes.Node> {
  const opaque = new Set<BabelTypes.Node>();
  program.traverse({
    enter(path) {
      if (!usesDynamicScope(path)) return;
      opaque.add((path.getFunctionParent() ?? program).node);
    },
  });
  return opaque;
}

export function isInsideOpaque(path: NodePath, opaque: Set<BabelTypes.Node>): boolean {
  if (opaque.size === 0) return false;
  for (let p: NodePath | null = path; p; p = p.parentPath) {
    if (opaque.has(p.node)) return true;
  }
  return false;
}

/** Outermost statement for inserting before `path`, past any labels (a label must stay on its loop). */
export function statementBeforeLabels(path: NodePath): NodePath {
  let target = path;
  while (target.parentPath?.isLabeledStatement()) target = target.parentPath;
  return target;
}
