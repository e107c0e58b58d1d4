import type { NodePath, types as BabelTypes } from '@babel/core';
import { ENTRY_WRITES, entryCall, targetName } from './access-paths';
import { checkKind, DependencyKind, type InstrumentContext, type ReadStamp } from './context';
import { claim, followWith, stampBefore, taskAt, type Handler } from './handler';
import { fitsStampBefore, isQuoted, keepAnonymous } from './preserve';
import type { Templates } from './templates';

/**
 * Properties and Map/Set entries. Their locations are made at run time from the object and the
 * key, so generated code must name the same object and key again after the access: a value free
 * to evaluate again (`this`, a literal, a binding never reassigned) is repeated; anything else is
 * captured in a temporary as it is evaluated, so every getter, setter and key conversion runs
 * exactly as often, and in the same order, as in the original. Where V8 quotes the source in an
 * error message (`a.b.c is not a function`, the callee of `m.set(k, v)`) a capture would show, so
 * the object is read again quietly instead (see quietly), or the access is left untracked.
 */

/** Whether evaluating the expression again is unobservable and gives the same value. */
function reusable(path: NodePath): boolean {
  if (path.isThisExpression() || path.isSuper() || path.isStringLiteral() || path.isNumericLiteral()) return true;
  if (!path.isIdentifier()) return false;
  const binding = path.scope.getBinding(path.node.name);
  return binding !== undefined && binding.constant;
}

/** An expression naming the value of `path` again; captures it in a temporary if needed (`set` puts the capture in place). */
function once(path: NodePath, ctx: InstrumentContext, set: (capture: BabelTypes.Expression) => void): BabelTypes.Expression {
  const t = ctx.t;
  // `super.x = v` writes the receiver's property (a `super.x` read is located by superHome).
  if (path.isSuper()) return t.thisExpression();
  if (reusable(path)) return t.cloneNode(path.node as BabelTypes.Expression);
  // The scope the expression runs in: a function's own scope would hide the temporary from it.
  const scope = path.parentPath!.scope;
  const temporary = scope.generateUidIdentifier('o');
  scope.push({ id: temporary });
  set(t.assignmentExpression('=', t.cloneNode(temporary), keepAnonymous(t, path.node as BabelTypes.Expression)));
  return temporary;
}

/** Whether `#name`, as `member` sees it, is a private field (reading it runs nothing), not a method or accessor. */
function isPrivateField(member: NodePath, name: string): boolean {
  for (let cls = member.findParent((p) => p.isClass()); cls; cls = cls.parentPath?.findParent((p) => p.isClass()) ?? null) {
    const declared = (cls.node as BabelTypes.Class).body.body.find((m) => 'key' in m && m.key.type === 'PrivateName' && m.key.id.name === name);
    if (declared) return declared.type === 'ClassPrivateProperty';
  }
  return false;
}

/** The key of `object.key` or `object.#key` as locations name it. */
function nameKey(member: NodePath<Member>, ctx: InstrumentContext): BabelTypes.StringLiteral {
  const property = member.node.property as BabelTypes.Identifier | BabelTypes.PrivateName;
  return ctx.t.stringLiteral(property.type === 'PrivateName' ? `#${property.id.name}` : property.name);
}

/**
 * The value of `path` as generated code can read it right before the program does, running none
 * of the program's code: `this`, a literal, a variable, a private field of one, or a chain of
 * properties read through `runtime.g` (plain data properties only). Null when there is none.
 */
function quietly(path: NodePath, ctx: InstrumentContext, tpl: Templates): BabelTypes.Expression | null {
  const t = ctx.t;
  if (path.isThisExpression() || path.isStringLiteral() || path.isNumericLiteral()) return t.cloneNode(path.node);
  if (path.isIdentifier()) return path.scope.getBinding(path.node.name) ? t.cloneNode(path.node) : null;
  if (!path.isMemberExpression() && !path.isOptionalMemberExpression()) return null;
  const object = quietly(path.get('object') as NodePath, ctx, tpl);
  const property = path.get('property') as NodePath;
  if (object === null) return null;
  if (property.isPrivateName()) {
    const direct = path.isMemberExpression() && !t.isCallExpression(object) && isPrivateField(path, property.node.id.name);
    return direct ? t.memberExpression(object, t.cloneNode(property.node)) : null;
  }
  const key = path.node.computed ? quietly(property, ctx, tpl) : nameKey(path as NodePath<Member>, ctx);
  return key && tpl.quietGet(object, key);
}

type Member = BabelTypes.MemberExpression | BabelTypes.OptionalMemberExpression;
type Call = BabelTypes.CallExpression | BabelTypes.OptionalCallExpression;

/**
 * For `super.x` in a class method, static block or field initializer: the class (by a name that
 * refers to it there) and whether the code is static, which tell the runtime where the lookup
 * starts (see superPropertyLocation). Null elsewhere (object literal methods, anonymous classes).
 */
function superHome(member: NodePath): { home: BabelTypes.Identifier; isStatic: boolean } | null {
  const ownsSuper = (p: NodePath): boolean =>
    ((p.isFunction() && !p.isArrowFunctionExpression()) || p.isClassProperty() || p.isClassPrivateProperty() || p.isStaticBlock()) &&
    // A computed key (`[super.x] = 1`) is evaluated outside the member it names.
    !(p.has('key') && member.find((q) => q.node === (p.node as { key: BabelTypes.Node }).key) !== null);
  const owner = member.findParent(ownsSuper);
  if (!owner || !owner.parentPath?.isClassBody()) return null;
  const cls = owner.parentPath.parentPath as NodePath<BabelTypes.Class>;
  const id = cls.node.id;
  if (!id || member.scope.getBinding(id.name)?.path.node !== cls.node) return null;
  const isStatic = owner.isStaticBlock() || (owner.node as { static?: boolean }).static === true;
  return { home: id, isStatic };
}

/** The object and key of `object.key`, `object[key]`, `object.#key` or `object?.key`, evaluated once. */
function objectAndKey(member: NodePath<Member>, ctx: InstrumentContext): [BabelTypes.Expression, BabelTypes.Expression] {
  const t = ctx.t;
  const node = member.node;
  const object = once(member.get('object'), ctx, (capture) => (node.object = capture));
  const property = member.get('property') as NodePath;
  let key: BabelTypes.Expression;
  if (property.isPrivateName()) key = t.stringLiteral(`#${property.node.id.name}`);
  else if (!node.computed && property.isIdentifier()) key = t.stringLiteral(property.node.name);
  else key = once(property, ctx, (capture) => (node.property = capture));
  return [object, key];
}

/** The collection and key of `m.set(k, v)`, `s.add(k)`, `m.get(k)`..., evaluated once. */
function collectionAndKey(call: NodePath<Call>, ctx: InstrumentContext): [BabelTypes.Expression, BabelTypes.Expression] {
  const callee = call.node.callee as Member;
  const collection = once(call.get('callee.object') as NodePath, ctx, (capture) => (callee.object = capture));
  const key = once(call.get('arguments.0') as NodePath, ctx, (capture) => (call.node.arguments[0] = capture));
  return [collection, key];
}

/** The dependency a write is checked against: a value dependency first (see README). */
function chosenDependency(ctx: InstrumentContext, write: BabelTypes.Node) {
  const deps = ctx.writeDependencies.get(write) ?? [];
  return deps.find((d) => d.kind === DependencyKind.Value) ?? deps[0];
}

/** Record a write of a property or an entry after it happened (checking it first if it depends on a read). */
function recordWrite(
  path: NodePath, entry: boolean, object: BabelTypes.Expression, key: BabelTypes.Expression,
  name: () => string, ctx: InstrumentContext, tpl: Templates,
): void {
  const task = taskAt(path, ctx);
  const site = ctx.sites.add(path.node);
  const dep = chosenDependency(ctx, path.node);
  const checkTask = dep?.readerTask ?? task;
  const record = dep && checkTask ? tpl.wroteFrom(entry, object, key, site, checkTask, dep.stamp, checkKind(dep), name()) : tpl.wrote(entry, object, key, site, task);
  const flowChecks = (ctx.writeFlows.get(path.node) ?? []).flatMap((flow) => {
    const flowTask = flow.readerTask ?? task;
    return flowTask ? [tpl.checkWroteFlows(entry, ctx.t.cloneNode(object), ctx.t.cloneNode(key), site, flowTask, flow.flows, checkKind(flow), name())] : [];
  });
  // `o.x ??= v` writes only when it evaluates v: record it there, as v is stored (as for a variable).
  const logical = path.isAssignmentExpression() && ['&&=', '||=', '??='].includes(path.node.operator);
  followWith(logical ? path.get('right') as NodePath : path, ctx, [...flowChecks, record]);
}

/**
 * `module.exports = …`, `exports.x = …`, `module.exports.x = …` (CommonJS's own `module` and
 * `exports`): Node finds a CommonJS module's named exports for `import { x }` by reading these
 * statements in its source (cjs-module-lexer), which is the instrumented source where hooks hand it
 * to Node (`module.registerHooks`). Outside any function they run once, synchronously, while the
 * module loads: no task can be between a read and a write then, so they are left as written.
 */
function isCommonJsExport(target: NodePath<BabelTypes.MemberExpression>, ctx: InstrumentContext): boolean {
  const t = ctx.t;
  const free = (node: BabelTypes.Node, name: string) => t.isIdentifier(node, { name }) && target.scope.getBinding(name) === undefined;
  const moduleExports = (node: BabelTypes.Node) =>
    t.isMemberExpression(node) && !node.computed && free(node.object, 'module') && t.isIdentifier(node.property, { name: 'exports' });
  const object = target.node.object;
  return moduleExports(target.node) || free(object, 'exports') || moduleExports(object);
}

/** `o.x = v`, `o[k] op= v`, `o.x++`, `delete o.x`: a property write. */
export function instrumentMemberWrite(
  path: NodePath<BabelTypes.AssignmentExpression | BabelTypes.UpdateExpression | BabelTypes.UnaryExpression>,
  target: NodePath<BabelTypes.MemberExpression>, ctx: InstrumentContext, tpl: Templates,
): void {
  if (isCommonJsExport(target, ctx) && !path.getFunctionParent()) return;
  if (!claim(path, ctx)) return;
  const t = ctx.t;
  const name = targetName(target);
  const [object, key] = objectAndKey(target, ctx);
  const implicit = ctx.implicitReadStamps.get(path.node);
  const task = taskAt(path, ctx);
  if (implicit && task && path.isAssignmentExpression()) {
    // `o.x += await f()` reads o.x before the await: stamp it as the right side starts.
    const stamp = tpl.stamp(tpl.locate(false, t.cloneNode(object), t.cloneNode(key), implicit), task, implicit);
    path.node.right = t.sequenceExpression([...stamp.expressions, path.node.right]);
  }
  recordWrite(path, false, t.cloneNode(object), t.cloneNode(key), () => name, ctx, tpl);
}

/** `m.set(k, v)`, `m.delete(k)`, `s.add(k)`: an entry write, tracked when `m` is a real Map or Set. */
export const instrumentEntryCall: Handler<Call> = (path, ctx, tpl) => {
  if (!entryCall(path, ENTRY_WRITES) || ctx.generated.has(path.node) || ctx.isOpaque(path)) return;
  const name = targetName(path);
  claim(path, ctx);
  // V8 quotes the callee when it is no function (`this.items.add is not a function`): the collection
  // is not captured there, but read quietly again, or the write is left untracked.
  const collectionPath = path.get('callee.object') as NodePath;
  let collection = reusable(collectionPath) ? ctx.t.cloneNode(collectionPath.node as BabelTypes.Expression) : quietly(collectionPath, ctx, tpl);
  if (collection === null) return;
  const key = once(path.get('arguments.0') as NodePath, ctx, (capture) => (path.node.arguments[0] = capture));
  if (!reusable(collectionPath) && path.isCallExpression()) {
    // As the arguments start, right after the program read it (a short-circuited `m?.set(k)` runs
    // no argument: it reads the collection again after the call).
    const temporary = path.scope.generateUidIdentifier('c');
    path.scope.push({ id: temporary });
    path.node.arguments[0] = ctx.t.sequenceExpression([ctx.t.assignmentExpression('=', ctx.t.cloneNode(temporary), collection), path.node.arguments[0] as BabelTypes.Expression]);
    collection = temporary;
  }
  recordWrite(path, true, collection, key, () => name, ctx, tpl);
};

/** A read of a property (`o.x`) or an entry (`m.get(k)`, `s.has(k)`) that a later write depends on. */
export function stampObjectRead(path: NodePath<Member | Call>, ctx: InstrumentContext, tpl: Templates): void {
  const stamp: ReadStamp | undefined = ctx.readStamps.get(path.node);
  if (!stamp || !claim(path, ctx)) return;
  const task = taskAt(path, ctx);
  if (!task || !fitsStampBefore(path)) return;
  const entry = path.isCallExpression() || path.isOptionalCallExpression();
  const [objectPath, keyPath] = entry
    ? [path.get('callee.object') as NodePath, path.get('arguments.0') as NodePath]
    : [path.get('object') as NodePath, path.get('property') as NodePath];
  const home = objectPath.isSuper() ? superHome(path) : null;
  if (objectPath.isSuper() && home === null) return;
  const locate = (): BabelTypes.Expression => {
    const [object, key] = entry ? collectionAndKey(path as NodePath<Call>, ctx) : objectAndKey(path as NodePath<Member>, ctx);
    return home ? tpl.locateSuper(home.home, home.isStatic, key, stamp) : tpl.locate(entry, object, key, stamp);
  };
  const member = entry ? null : (path.node as Member);
  const keyIsName = member !== null && (!member.computed || keyPath.isPrivateName());
  if (reusable(objectPath) && (keyIsName || reusable(keyPath))) {
    // Nothing to capture: stamp right before the read, as for a variable.
    stampBefore(path, ctx, tpl, locate(), task, stamp);
    return;
  }
  if (entry || isQuoted(path)) {
    // V8 quotes the callee of `m.get(k)`, and `a.b.c` in `a.b.c.d()`, in error messages: a capture
    // there would change them. Locate the read right before it, without the program seeing it.
    const object = quietly(objectPath, ctx, tpl);
    const key = keyIsName ? nameKey(path as NodePath<Member>, ctx) : quietly(keyPath, ctx, tpl);
    if (object && key) stampBefore(path, ctx, tpl, tpl.locate(entry, object, key, stamp), task, stamp);
    return;
  }
  // In `a?.b.c`, capturing `a?.b` would turn a short-circuit into a TypeError: left untracked.
  if (member?.type === 'OptionalMemberExpression' && !member.optional) return;
  // Capture the object and key as the read evaluates them, and stamp right after it.
  followWith(path, ctx, tpl.stamp(locate(), task, stamp).expressions);
}

export const stampMemberRead: Handler<Member> = (path, ctx, tpl) => stampObjectRead(path, ctx, tpl);
