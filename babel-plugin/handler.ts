import type { NodePath, types as BabelTypes } from '@babel/core';
import type { InstrumentContext, ReadStamp } from './context';
import { enclosingUnit, inParameters } from './functions';
import { fitsStampBefore, isWrappable, keepAnonymous, quotedTop, quotingStatement } from './preserve';
import type { Templates } from './templates';

/** What every instrumenting visitor needs: its signature, the task in scope, and the bookkeeping of handled nodes. */
export type Handler<N extends BabelTypes.Node> = (path: NodePath<N>, ctx: InstrumentContext, tpl: Templates) => void;

/**
 * The task variable of the code `path` runs in: every async function has one, some synchronous
 * ones do, and so does the top level of a module with top-level await.
 */
export function taskAt(path: NodePath, ctx: InstrumentContext): BabelTypes.Identifier | null {
  const fn = enclosingUnit(path);
  if (!fn) return ctx.functions.get(path.scope.getProgramParent().path.node)?.task ?? null;
  // Parameter defaults run before the body enters the task, and cannot see the body's locals.
  if (!fn.isFunction() || inParameters(path, fn)) return null;
  return ctx.functions.get(fn.node)?.task ?? null;
}

/** The task of the code `path` runs in when that code can await: an async function's, a module's. */
export function asyncTaskAt(path: NodePath, ctx: InstrumentContext): BabelTypes.Identifier | null {
  const unit = enclosingUnit(path);
  return !unit || (unit.isFunction() && unit.node.async) ? taskAt(path, ctx) : null;
}

/** Skip nodes the plugin made or already handled, and code left alone; mark the rest handled. */
export function claim(path: NodePath, ctx: InstrumentContext): boolean {
  if (ctx.generated.has(path.node) || ctx.isOpaque(path)) return false;
  ctx.generated.add(path.node);
  return true;
}

export function generated<N extends BabelTypes.Node>(ctx: InstrumentContext, node: N): N {
  ctx.generated.add(node);
  return node;
}

/**
 * Record what a read is about to see, right before it. V8 quotes the source of some operands in
 * error messages ("x is not a function", "Cannot destructure 'x'"), so when the read begins such an
 * operand the stamp goes before the statement or around the call, `new` or array that evaluates it
 * first, leaving the quoted text as written; where there is no such place (`f(...x)`, `const a = 1,
 * { b } = x`) the read is left unstamped. `location` must be free to evaluate again.
 */
export function stampBefore(path: NodePath, ctx: InstrumentContext, tpl: Templates, location: BabelTypes.Expression, task: BabelTypes.Identifier, stamp: ReadStamp): void {
  if (!fitsStampBefore(path)) return;
  const top = quotedTop(path);
  const statement = quotingStatement(top);
  if (statement) {
    statement.insertBefore(generated(ctx, ctx.t.expressionStatement(tpl.stamp(location, task, stamp))));
  } else if (top !== path && isWrappable(top)) {
    ctx.stampsAround.set(top.node, (expression) => tpl.stampedRead(location, task, stamp, expression));
  } else {
    path.replaceWith(generated(ctx, tpl.stampedRead(location, task, stamp, path.node as BabelTypes.Expression)));
  }
}

/** Replace `path` by itself followed by `bookkeeping` (which may use the value, held in a temporary), keeping its value. */
export function followWith(
  path: NodePath, ctx: InstrumentContext, bookkeeping: BabelTypes.Expression[] | ((result: BabelTypes.Identifier) => BabelTypes.Expression[]),
): void {
  const t = ctx.t;
  const node = generated(ctx, path.node as BabelTypes.Expression);
  if (Array.isArray(bookkeeping) && path.parentPath?.isExpressionStatement()) {
    path.replaceWith(t.sequenceExpression([node, ...bookkeeping]));
    return;
  }
  // The parent's scope: a function `path` (the value of `o.x ??= () => {}`) would hide it in its own.
  const scope = path.parentPath!.scope;
  const result = scope.generateUidIdentifier('r');
  scope.push({ id: result });
  const after = Array.isArray(bookkeeping) ? bookkeeping : bookkeeping(result);
  path.replaceWith(t.sequenceExpression([t.assignmentExpression('=', t.cloneNode(result), keepAnonymous(t, node)), ...after, t.cloneNode(result)]));
}
