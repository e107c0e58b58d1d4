import type { NodePath, Visitor, types as BabelTypes } from '@babel/core';
import { checkKind, sharedVariableAt, type InstrumentContext, type SharedVariable } from './context';
import { statementBeforeLabels } from './functions';
import { asyncTaskAt, claim, followWith, generated, stampBefore, taskAt, type Handler } from './handler';
import { instrumentEntryCall, instrumentMemberWrite, stampMemberRead, stampObjectRead } from './objects';
import { keepName } from './preserve';
import type { Templates } from './templates';

/**
 * The instrumentation itself: one small function per kind of node, applied on the way out of the
 * tree (children first), so a replacement always wraps already-instrumented sub-expressions.
 * Variables, awaits and task boundaries are here; properties and collections in objects.ts.
 */

/** Prepend statements to the body of a loop or block-bodied node, making the body a block first. */
function prependToBody(path: NodePath<BabelTypes.Loop>, statements: BabelTypes.Statement[]): void {
  const body = path.node.body;
  if (body.type === 'BlockStatement') body.body.unshift(...statements);
  else path.node.body = { type: 'BlockStatement', body: [...statements, body], directives: [] } as BabelTypes.BlockStatement;
}

/** `value`, checked first against every read the write of `variable` at `site` depends on, and every flow handed to it. */
function checkedValue(
  ctx: InstrumentContext, tpl: Templates, variable: SharedVariable, site: number, task: BabelTypes.Identifier | null,
  write: BabelTypes.Node, value: BabelTypes.Expression,
): BabelTypes.Expression {
  const deps = ctx.writeDependencies.get(write) ?? [];
  const checked = deps.reduce((v, dep) => {
    const checkTask = dep.readerTask ?? task;
    return checkTask ? tpl.check(variable.cell, site, checkTask, v, dep.stamp, checkKind(dep)) : v;
  }, value);
  return (ctx.writeFlows.get(write) ?? []).reduce((v, dep) => {
    const checkTask = dep.readerTask ?? task;
    return checkTask ? tpl.checkFlows(variable.cell, site, checkTask, v, dep.flows, checkKind(dep)) : v;
  }, checked);
}

/**
 * The task a write is recorded as made by: a callback's write computed from what the function that
 * made it read is that function's task's (as its check is), else the task of the code it is in.
 */
function writerTask(ctx: InstrumentContext, write: BabelTypes.Node, task: BabelTypes.Identifier | null): BabelTypes.Identifier | null {
  const deps: { readerTask?: BabelTypes.Identifier }[] = [...(ctx.writeDependencies.get(write) ?? []), ...(ctx.writeFlows.get(write) ?? [])];
  return deps.find((dep) => dep.readerTask)?.readerTask ?? task;
}

/** `x = v`, `x op= v`, `x ??= v`, `o.x = v` and destructuring assignments to shared locations. */
const instrumentAssignment: Handler<BabelTypes.AssignmentExpression> = (path, ctx, tpl) => {
  const left = path.get('left');
  if (left.isIdentifier()) instrumentVariableAssignment(path, left.node.name, ctx, tpl);
  else if (left.isMemberExpression()) instrumentMemberWrite(path, left, ctx, tpl);
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
  const checked = (value: BabelTypes.Expression) => checkedValue(ctx, tpl, variable, site, task, node, value);
  const store = (value: BabelTypes.Expression): BabelTypes.AssignmentExpression =>
    generated(ctx, t.assignmentExpression('=', t.identifier(name), tpl.write(variable.cell, site, writerTask(ctx, node, task), checked(value))));

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
  followWith(path, ctx, targets.map(({ id, variable }) => tpl.write(variable!.cell, ctx.sites.add(id), task, t.numericLiteral(0))));
}

/** `x++`, `--x`: read and write are one step, so the write is only recorded. */
const instrumentUpdate: Handler<BabelTypes.UpdateExpression> = (path, ctx, tpl) => {
  const target = path.get('argument');
  if (target.isMemberExpression()) return instrumentMemberWrite(path, target, ctx, tpl);
  const argument = path.node.argument;
  if (argument.type !== 'Identifier') return;
  const variable = sharedVariableAt(ctx, path, argument.name);
  if (!variable || !claim(path, ctx)) return;
  const task = taskAt(path, ctx);
  const site = ctx.sites.add(path.node);
  // `if (n < max) { await f(); n++ }`: the update may be made under a stale check.
  const write = tpl.write(variable.cell, site, writerTask(ctx, path.node, task), checkedValue(ctx, tpl, variable, site, task, path.node, ctx.t.numericLiteral(0)));
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

/** A read of a shared variable whose version a later write depends on: record what it saw. */
const stampRead: Handler<BabelTypes.Identifier> = (path, ctx, tpl) => {
  const stamp = ctx.readStamps.get(path.node);
  if (!stamp || path.parentPath.isUpdateExpression() || !claim(path, ctx)) return;
  const variable = sharedVariableAt(ctx, path, path.node.name);
  const task = taskAt(path, ctx);
  if (!variable || !task) return;
  if (path.parentPath.isObjectProperty({ shorthand: true })) {
    const property = path.parentPath.node;
    property.shorthand = false;
    // `{ __proto__ }` defines an own property; `{ __proto__: v }` would set the prototype.
    if (path.node.name === '__proto__') {
      property.computed = true;
      property.key = ctx.t.stringLiteral('__proto__');
    }
  }
  stampBefore(path, ctx, tpl, variable.cell, task, stamp);
};

/** The expression a stamped read begins (see stampRead), once its own children are instrumented. */
function stampAround(path: NodePath, ctx: InstrumentContext, original: BabelTypes.Node = path.node): void {
  const wrap = ctx.stampsAround.get(original);
  if (!wrap) return;
  ctx.stampsAround.delete(original);
  path.replaceWith(generated(ctx, wrap(path.node as BabelTypes.Expression)));
}

/** Calls: a Map or Set entry written or read, and a stamped read the call begins with; flows handed to it and taken from it. */
const instrumentCall: Handler<BabelTypes.CallExpression | BabelTypes.OptionalCallExpression> = (path, ctx, tpl) => {
  const original = path.node;
  for (const { index, sources } of ctx.argumentFlows.get(original) ?? []) {
    original.arguments[index] = tpl.handArgument(original.arguments[index] as BabelTypes.Expression, index, sources);
  }
  ctx.argumentFlows.delete(original);
  instrumentEntryCall(path, ctx, tpl);
  if (path.node === original) stampObjectRead(path, ctx, tpl);
  stampAround(path, ctx, original);
  takeCarried(path, ctx, tpl, original, null);
};

/** A call's result (or an awaited call's) that may carry flows: take them into the carrier's local, right after. */
function takeCarried(path: NodePath, ctx: InstrumentContext, tpl: Templates, original: BabelTypes.Node, awaitedBy: BabelTypes.Identifier | null): void {
  const local = ctx.carriers.get(original);
  if (!local) return;
  ctx.carriers.delete(original);
  followWith(path, ctx, (result) => [tpl.takeResult(local, result, awaitedBy)]);
}

/** `return value` hands on the flows `value` is computed from (an async function's, on its task). */
const handOnReturn: Handler<BabelTypes.ReturnStatement> = (path, ctx, tpl) => {
  const sources = ctx.returnFlows.get(path.node);
  if (!sources || !path.node.argument) return;
  ctx.returnFlows.delete(path.node);
  path.node.argument = tpl.handReturn(path.node.argument, sources, asyncTaskAt(path, ctx));
};


/** `delete o.x` writes o.x. */
const instrumentDelete: Handler<BabelTypes.UnaryExpression> = (path, ctx, tpl) => {
  const target = path.get('argument');
  if (path.node.operator === 'delete' && target.isMemberExpression()) instrumentMemberWrite(path, target, ctx, tpl);
};

/** Every `await` is where the task yields to others and later resumes. */
const instrumentAwait: Handler<BabelTypes.AwaitExpression> = (path, ctx, tpl) => {
  const task = taskAt(path, ctx);
  const original = path.node;
  if (!task || !claim(path, ctx)) return;
  const site = ctx.sites.add(original);
  path.replaceWith(tpl.awaited(task, site, (arg) => generated(ctx, ctx.t.awaitExpression(arg)), original.argument));
  takeCarried(path, ctx, tpl, original, task);
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
  const task = asyncTaskAt(path, ctx);
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

/**
 * An async function is a task: entered on call, left however its body ends. A synchronous one that
 * hands flows on declares their locals (and its task, when its stamps need one). Both take the
 * flows handed with their parameters first.
 */
const instrumentFunction: Handler<BabelTypes.Function> = (path, ctx, tpl) => {
  const { node } = path;
  const info = ctx.functions.get(node);
  if (!info || !claim(path, ctx)) return;
  const fn: NodePath<BabelTypes.Function> = path;
  fn.ensureBlock();
  const body = node.body as BabelTypes.BlockStatement;
  if (node.async) {
    const statements = tpl.asyncBody(info.task!, info.stampLocals, info.parameterTakes, body.body, node.generator === true);
    statements.forEach((s) => generated(ctx, s));
    body.body = statements;
  } else {
    // In place: paths into the body stay valid (cells are declared through them afterwards).
    const prologue = tpl.syncPrologue(info.task, info.ownTask, info.stampLocals, info.parameterTakes);
    prologue.forEach((s) => generated(ctx, s));
    body.body.unshift(...prologue);
  }
};

export function buildVisitor(ctx: InstrumentContext, tpl: Templates): Visitor {
  const on = <N extends BabelTypes.Node>(handler: Handler<N>) => ({ exit: (path: NodePath<N>) => handler(path, ctx, tpl) });
  return {
    AssignmentExpression: on(instrumentAssignment),
    UpdateExpression: on(instrumentUpdate),
    VariableDeclarator: on(instrumentVarInit),
    UnaryExpression: on(instrumentDelete),
    Identifier: on(stampRead),
    'MemberExpression|OptionalMemberExpression': on(stampMemberRead),
    'CallExpression|OptionalCallExpression': on(instrumentCall),
    'NewExpression|TaggedTemplateExpression|ArrayExpression': on((path, c) => stampAround(path, c)),
    AwaitExpression: on(instrumentAwait),
    YieldExpression: on(instrumentYield),
    TryStatement: on(resumeInHandlers),
    ReturnStatement: on(handOnReturn),
    ForOfStatement: on(instrumentForInOf),
    ForInStatement: on(instrumentForInOf),
    Function: on(instrumentFunction),
  } as Visitor;
}
