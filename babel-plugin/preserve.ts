import type { NodePath, types as BabelTypes } from '@babel/core';
import type { Types } from './context';
import { statementBeforeLabels } from './functions';

/*
 * What keeps instrumented code looking the same from inside: the names assignments give anonymous
 * functions, and the operand text V8 quotes in its error messages.
 */

/**
 * `x = function () {}` names the function "x", but only when it is the value assigned: passed to a
 * runtime call it would stay anonymous. `({ x: value }).x` names it the same way.
 */
export function keepName(t: Types, name: string, value: BabelTypes.Expression): BabelTypes.Expression {
  if (!isAnonymousFunction(t, value)) return value;
  // A plain key (V8 renames a class with a static `name` under a computed one), but `__proto__`
  // as a plain key would set the object's prototype.
  const computed = name === '__proto__';
  const key = computed ? t.stringLiteral(name) : t.identifier(name);
  return t.memberExpression(t.objectExpression([t.objectProperty(key, value, computed)]), t.cloneNode(key), computed);
}

function isAnonymousFunction(t: Types, value: BabelTypes.Node): boolean {
  return t.isArrowFunctionExpression(value) || ((t.isFunctionExpression(value) || t.isClassExpression(value)) && !value.id);
}

/** `_o = function () {}` would name the function "_o": `_o = (0, function () {})` keeps it anonymous. */
export function keepAnonymous(t: Types, value: BabelTypes.Expression): BabelTypes.Expression {
  return isAnonymousFunction(t, value) ? t.sequenceExpression([t.numericLiteral(0), value]) : value;
}

/** For each parent type, the child it evaluates first and V8 may quote in an error message. */
const QUOTED_FIRST: Record<string, string | number> = {
  MemberExpression: 'object',
  OptionalMemberExpression: 'object',
  CallExpression: 'callee',
  OptionalCallExpression: 'callee',
  NewExpression: 'callee',
  TaggedTemplateExpression: 'tag',
  SpreadElement: 'argument',
  ArrayExpression: 0,
};

/** Expressions a stamp may wrap whole: values, never references (`this` and assignment targets stay). */
const WRAPPABLE = new Set<string>(['CallExpression', 'OptionalCallExpression', 'NewExpression', 'TaggedTemplateExpression', 'ArrayExpression']);

/** The largest expression that evaluates `read` first, through links V8 may quote (`x.y()`, `[...x]`). */
export function quotedTop(read: NodePath): NodePath {
  let top = read;
  while (top.parentPath && QUOTED_FIRST[top.parentPath.type] === top.key) top = top.parentPath;
  return top;
}

/** The statement that evaluates `top` first and may quote it (`const { a } = x`, `for (a of x)`), if any. */
export function quotingStatement(top: NodePath): NodePath | null {
  const parent = top.parentPath;
  let statement: NodePath | null = null;
  if (parent?.isVariableDeclarator() && top.key === 'init' && parent.key === 0 && !parent.get('id').isIdentifier()) {
    statement = parent.parentPath;
  } else if (parent?.isForOfStatement() && top.key === 'right') {
    statement = parent;
  } else if (parent?.isAssignmentExpression() && top.key === 'right' && parent.get('left').isPattern() && parent.parentPath.isExpressionStatement()) {
    statement = parent.parentPath;
  }
  if (statement) statement = statementBeforeLabels(statement);
  return statement && Array.isArray(statement.container) ? statement : null;
}

export function isWrappable(path: NodePath): boolean {
  return WRAPPABLE.has(path.type);
}

/**
 * Whether V8 may quote the source of `read` in an error message: it begins the callee of a call,
 * `new` or tag, a spread, or the operand of an iteration or a destructuring (`a.b.c is not a
 * function`, `a.b is not iterable`, `Cannot destructure property 'p' of 'a.b'`).
 */
export function isQuoted(read: NodePath): boolean {
  const top = quotedTop(read);
  if (top !== read && (isWrappable(top) || top.isSpreadElement())) return true;
  const parent = top.parentPath;
  if (!parent) return false;
  return (parent.isForXStatement() && top.key === 'right') ||
    (parent.isVariableDeclarator() && top.key === 'init' && !parent.get('id').isIdentifier()) ||
    (parent.isAssignmentExpression() && top.key === 'right' && parent.get('left').isPattern()) ||
    parent.isYieldExpression({ delegate: true });
}

/** Whether a stamp can go right before `read` (see stampBefore) and leave the source V8 quotes as written. */
export function fitsStampBefore(read: NodePath): boolean {
  if (!isQuoted(read)) return true;
  const top = quotedTop(read);
  return quotingStatement(top) !== null || (top !== read && isWrappable(top));
}
