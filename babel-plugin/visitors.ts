import type { NodePath, Visitor, types as BabelTypes } from '@babel/core';
import { sharedVariableAt, type InstrumentContext } from './context';
import { enclosingAsyncFunction, inParameters, statementBeforeLabels } from './functions';
import { isWrappable, keepName, quotedTop, quotingStatement } from './preserve';
import type { Templates } from './templates';

/**
 * The instrumentation itself: one small function per kind of node, applied on the way out of the
 * tree (children first), so a replacement always wraps already-instrumented sub-expressions.
 */
type Handler<N extends BabelTypes.Node> = (path: NodePath<N>, ctx: InstrumentContext, tpl: Templates) => void;

function taskAt(path: NodePath, ctx: InstrumentContext): BabelTypes.Identifier | null {
  const fn = enclosingAsyncFunction(path);
  // Parameter defaults run before the body enters the task, and cannot see the body's locals.
  if (!fn || inParameters(path, fn)) return null;
  return ctx.asyncFunctions.get(fn.node)?.task ?? null;
}

/** Skip nodes the plugin made or already handled, and code left alone; mark the rest handled. */
function claim(path: NodePath, ctx: InstrumentContext): boolean {
  if (ctx.generated.has(path.node) || ctx.isOpaque(path)) return false;
  ctx.generated.add(path.node);
  return true;
}

function generated<N extends BabelTypes.Node>(ctx: InstrumentContext, node: N): N {
  ctx.generated.add(node);
  return node;
}

/** Prepend statements to the body of a loop or block-bodied node, making the body a block first. */
function prependToBody(path: NodePath<BabelTypes.Loop>, statements: BabelTypes.Statement[]): void {
  const body = path.node.body;
  if (body.type === 'BlockStatement') body.body.unshift(...statements);
  else path.node.body = { type: 'BlockStatement', body: [...statements, body], directives: [] } as BabelTypes.BlockStatement;
}

/** `x = v`, `x op= v`, `x ??= v` and destructuring assignments to shared variables. */
const instrumentAssignment: Handler<BabelTypes.AssignmentExpression> = (path, ctx, tpl) => {
  const left = path.get('left');
  if (left.isIdentifier()) instrumentVariableAssignment(path, left.node.name, ctx, tpl);
  else if (left.isPattern()) instrumentPatternAssignment(path, ctx, tpl);
};

function instrumentVariableAssignment(path: NodePath<BabelTypes.AssignmentExpression>, name: string, ctx: InstrumentContext, tpl: Templates): void {
  const variable = sharedVariableAt(ctx, path, name);
  if (!variable || !claim(path, ctx)) return;
  const t = ctx.t;
  const { node } = path;
  const task = taskAt(path, ctx);
  const site = ctx.sites.add(node);
  const implicit = ctx.implicitReadStamps.get(node);
  const read: BabelTypes.Expression = implicit && task ? tpl.stampedRead(variable.cell, task, implicit, t.identifier(name)) : t.identifier(name);
  const checked = (value: BabelTypes.Expression): BabelTypes.Expression =>
    (ctx.writeDependencies.get(node) ?? []).reduce((v, dep) => (task ? tpl.check(variable.cell, site, task, v, dep.stamp, dep.kind) : v), value);
  const store = (value: BabelTypes.Expression): BabelTypes.AssignmentExpression =>
    generated(ctx, t.assignmentExpression('=', t.identifier(name), tpl.write(variable.cell, site, task, checked(value))));

  const operator = node.operator;
  if (operator === '=') {
    path.replaceWith(store(keepName(t, name, node.right)));
  } else if (operator === '&&=' || operator === '||=' || operator === '??=') {
    // `x ??= v` is `x ?? (x = v)`: the write only happens when the read says so.
    path.replaceWith(t.logicalExpression(operator.slice(0, -1) as '&&' | '||' | '??', read, store(keepName(t, name, node.right))));
  } else {
    // `x op= v` is `x = x op v` for a variable: same reads, same order, one evaluation of v.
    path.replaceWith(store(t.binaryExpression(operator.slice(0, -1) as BabelTypes.BinaryExpression['operator'], read, node.right)));
  }
}

function instrumentPatternAssignment(path: NodePath<BabelTypes.AssignmentExpression>, ctx: InstrumentContext, tpl: Templates): void {
  const t = ctx.t;
  const targets = Object.values(t.getBindingIdentifiers(path.node.left, false) as Record<string, BabelTypes.Identifier>)
    .map((id) => ({ id, variable: sharedVariableAt(ctx, path, id.name) }))
    .filter((target) => target.variable);
  if (targets.length === 0 || !claim(path, ctx)) return;
  const task = taskAt(path, ctx);
  const result = path.scope.generateUidIdentifier('r');
  path.scope.push({ id: result });
  const writes = targets.map(({ id, variable }) => tpl.write(variable!.cell, ctx.sites.add(id), task, t.numericLiteral(0)));
  path.replaceWith(t.sequenceExpression([t.assignmentExpression('=', t.cloneNode(result), path.node), ...writes, t.cloneNode(result)]));
}

/** `x++`, `--x`: read and write are one step, so the write is only recorded. */
const instrumentUpdate: Handler<BabelTypes.UpdateExpression> = (path, ctx, tpl) => {
  const argument = path.node.argument;
  if (argument.type !== 'Identifier') return;
  const variable = sharedVariableAt(ctx, path, argument.name);
  if (!variable || !claim(path, ctx)) return;
  const task = taskAt(path, ctx);
  const write = tpl.write(variable.cell, ctx.sites.add(path.node), task, ctx.t.numericLiteral(0));
  // A later write may depend on the value read here (`const old = x++`): stamp the whole update,
  // since its argument must stay a plain identifier.
  const stamp = ctx.readStamps.get(argument);
  const update = stamp && task ? tpl.stampedRead(variable.cell, task, stamp, path.node) : path.node;
  path.replaceWith(ctx.t.sequenceExpression([write, update]));
};

/** `var x = v` run again (in a loop, or a re-entered function) writes an existing binding. */
const instrumentVarInit: Handler<BabelTypes.VariableDeclarator> = (path, ctx, tpl) => {
  const { id, init } = path.node;
  if (!init || id.type !== 'Identifier' || (path.parent as BabelTypes.VariableDeclaration).kind !== 'var') return;
  const variable = sharedVariableAt(ctx, path, id.name);
  if (!variable || !claim(path, ctx)) return;
  path.node.init = tpl.write(variable.cell, ctx.sites.add(path.node), taskAt(path, ctx), keepName(ctx.t, id.name, init));
};

/**
 * A read whose version a later write depends on: record what it saw, right before it. V8 quotes
 * the source of some operands in error messages ("x is not a function", "Cannot destructure 'x'"),
 * so when the read begins such an operand the stamp goes before the statement or around the call,
 * `new` or array that evaluates it first, leaving the quoted text as written.
 */
const stampRead: Handler<BabelTypes.Identifier> = (path, ctx, tpl) => {
  const stamp = ctx.readStamps.get(path.node);
  if (!stamp || path.parentPath.isUpdateExpression() || !claim(path, ctx)) return;
  const variable = sharedVariableAt(ctx, path, path.node.name);
  const task = taskAt(path, ctx);
  if (!variable || !task) return;
  if (path.parentPath.isObjectProperty({ shorthand: true })) path.parentPath.node.shorthand = false;
  const top = quotedTop(path);
  const statement = quotingStatement(top);
  if (statement) {
    statement.insertBefore(generated(ctx, ctx.t.expressionStatement(tpl.stamp(variable.cell, task, stamp))));
  } else if (top !== path && isWrappable(top)) {
    ctx.stampsAround.set(top.node, (expression) => tpl.stampedRead(variable.cell, task, stamp, expression));
  } else {
    path.replaceWith(tpl.stampedRead(variable.cell, task, stamp, ctx.t.identifier(path.node.name)));
  }
};

/** The expression a stamped read begins (see stampRead), once its own children are instrumented. */
const stampAround: Handler<BabelTypes.Expression> = (path, ctx) => {
  const wrap = ctx.stampsAround.get(path.node);
  if (!wrap) return;
  ctx.stampsAround.delete(path.node);
  path.replaceWith(generated(ctx, wrap(path.node)));
};

/** Every `await` is where the task yields to others and later resumes. */
const instrumentAwait: Handler<BabelTypes.AwaitExpression> = (path, ctx, tpl) => {
  const task = taskAt(path, ctx);
  if (!task || !claim(path, ctx)) return;
  const site = ctx.sites.add(path.node);
  path.replaceWith(tpl.awaited(task, site, (arg) => generated(ctx, ctx.t.awaitExpression(arg)), path.node.argument));
};

/** In an async generator, `yield` suspends the task like an await. */
const instrumentYield: Handler<BabelTypes.YieldExpression> = (path, ctx, tpl) => {
  const task = taskAt(path, ctx);
  if (!task || !claim(path, ctx)) return;
  const t = ctx.t;
  const site = ctx.sites.add(path.node);
  const { delegate } = path.node;
  const argument = path.node.argument ?? t.identifier('undefined');
  // V8 words the error for `yield* x` of a non-iterable x differently once x is wrapped; reading a
  // variable has no effects, so the task is suspended just before it instead.
  const bare = delegate && argument.type === 'Identifier';
  const suspend = (before: BabelTypes.Expression): BabelTypes.Expression =>
    bare ? t.sequenceExpression([before, generated(ctx, t.yieldExpression(argument, true))]) : generated(ctx, t.yieldExpression(before, delegate));
  path.replaceWith(tpl.awaited(task, site, suspend, bare ? t.identifier('undefined') : argument));
};

/** A rejected await resumes the task in a catch or finally block, not after the await. */
const resumeInHandlers: Handler<BabelTypes.TryStatement> = (path, ctx, tpl) => {
  const task = taskAt(path, ctx);
  if (!task || !claim(path, ctx)) return;
  const { handler, finalizer } = path.node;
  handler?.body.body.unshift(tpl.resume(task));
  finalizer?.body.unshift(tpl.resume(task));
};

/** `for (x of ...)` writes x each turn; `for await` also passes an implicit await each turn. */
const instrumentForInOf: Handler<BabelTypes.ForOfStatement | BabelTypes.ForInStatement> = (path, ctx, tpl) => {
  if (!claim(path, ctx)) return;
  const t = ctx.t;
  const task = taskAt(path, ctx);
  const prologue: BabelTypes.Statement[] = [];
  const left = path.node.left;
  const target = left.type === 'VariableDeclaration' ? (left.kind === 'var' ? left.declarations[0]?.id : undefined) : left;
  if (target?.type === 'Identifier') {
    const variable = sharedVariableAt(ctx, path, target.name);
    if (variable) prologue.push(t.expressionStatement(tpl.write(variable.cell, ctx.sites.add(target), task, t.numericLiteral(0))));
  }
  const forAwait = path.isForOfStatement() && path.node.await && task;
  if (forAwait) prologue.unshift(tpl.loopTurn(task, ctx.sites.add(path.node)));
  if (prologue.length > 0) prependToBody(path, prologue);
  if (forAwait) {
    // Last: a loop standing alone (`if (c) for await ...`) gets replaced by a block holding it and
    // the resume, and `path` then points at that block.
      statementBeforeLabels(path).insertAfter(generated(ctx, tpl.resume(task)));
  }
};

/** An async function is a task: entered on call, left however its body ends. */
const instrumentAsyncFunction: Handler<BabelTypes.Function> = (path, ctx, tpl) => {
  const info = ctx.asyncFunctions.get(path.node);
  if (!info || !claim(path, ctx)) return;
  const fn: NodePath<BabelTypes.Function> = path;
  fn.ensureBlock();
  const body = path.node.body as BabelTypes.BlockStatement;
  const statements = tpl.asyncBody(info.task, info.stampLocals, body.body);
  statements.forEach((s) => generated(ctx, s));
  body.body = statements;
};

export function buildVisitor(ctx: InstrumentContext, tpl: Templates): Visitor {
  const on = <N extends BabelTypes.Node>(handler: Handler<N>) => ({ exit: (path: NodePath<N>) => handler(path, ctx, tpl) });
  return {
    AssignmentExpression: on(instrumentAssignment),
    UpdateExpression: on(instrumentUpdate),
    VariableDeclarator: on(instrumentVarInit),
    Identifier: on(stampRead),
    'CallExpression|OptionalCallExpression|NewExpression|TaggedTemplateExpression|ArrayExpression': on(stampAround),
    AwaitExpression: on(instrumentAwait),
    YieldExpression: on(instrumentYield),
    TryStatement: on(resumeInHandlers),
    ForOfStatement: on(instrumentForInOf),
    ForInStatement: on(instrumentForInOf),
    Function: on(instrumentAsyncFunction),
  } as Visitor;
}
