import type { NodePath, types as BabelTypes } from '@babel/core';

/**
 * Static names for what a read or a write touches, used to match a write with the earlier reads of
 * the same location in one function: `var:3` (a shared variable), `prop:this.balance`,
 * `prop:b4[b7]` (`cart[item]`), `entry:b2(b9)` (`cache.get(key)`). Two accesses with the same name
 * in one function touch the same location when the objects the path goes through did not change in
 * between; the runtime confirms it, comparing the actual locations.
 */

/** Map and Set methods that read, and that write, the entry named by their first argument. */
export const ENTRY_READS = new Set(['get', 'has']);
export const ENTRY_WRITES = new Set(['set', 'delete', 'add']);

const bindingIds = new WeakMap<BabelTypes.Node, number>();
let nextBindingId = 0;

function bindingKey(path: NodePath<BabelTypes.Identifier>): string {
  const binding = path.scope.getBinding(path.node.name);
  if (!binding) return `global:${path.node.name}`;
  let id = bindingIds.get(binding.identifier);
  if (id === undefined) bindingIds.set(binding.identifier, (id = nextBindingId++));
  return `b${id}`;
}

/** A static name for the value an expression denotes (a variable, `this`, a member path), or null. */
export function pathKey(path: NodePath): string | null {
  if (path.isThisExpression()) return 'this';
  if (path.isSuper()) return 'super';
  if (path.isIdentifier()) return bindingKey(path);
  if (path.isStringLiteral() || path.isNumericLiteral()) return JSON.stringify(String(path.node.value));
  if (path.isMemberExpression() || path.isOptionalMemberExpression()) {
    const object = pathKey(path.get('object') as NodePath);
    if (object === null) return null;
    const property = path.get('property') as NodePath;
    if (property.isPrivateName()) return `${object}.#${property.node.id.name}`;
    if (!path.node.computed && property.isIdentifier()) return `${object}.${property.node.name}`;
    // obj['x'] and obj.x are the same property.
    if (property.isStringLiteral()) return `${object}.${property.node.value}`;
    const key = pathKey(property);
    return key === null ? null : `${object}[${key}]`;
  }
  return null;
}

/** `m.get(k)`-shaped calls: the callee's object and the key argument, or null. */
export function entryCall(path: NodePath, methods: Set<string>): { collection: NodePath; key: NodePath } | null {
  // `m.get(k)`, and `m?.get(k)` (a call whose callee is an optional member, the call itself not optional).
  if (!path.isCallExpression() && !(path.isOptionalCallExpression() && !path.node.optional)) return null;
  const callee = path.get('callee') as NodePath;
  const args = path.get('arguments') as NodePath[];
  if (!(callee.isMemberExpression() || callee.isOptionalMemberExpression()) || callee.node.computed) return null;
  if (args.length === 0 || args[0].isSpreadElement()) return null;
  const property = callee.get('property') as NodePath;
  const object = callee.get('object') as NodePath;
  if (!property.isIdentifier() || !methods.has(property.node.name) || object.isSuper()) return null;
  return { collection: object, key: args[0] };
}

function entryKey(collection: NodePath, key: NodePath): string | null {
  const c = pathKey(collection);
  const k = pathKey(key);
  return c === null || k === null ? null : `entry:${c}(${k})`;
}

/**
 * A member expression whose value is read (not assigned, deleted, updated or called as a method),
 * and, in an optional chain (`a?.b.c`), the whole chain: its inner links are not values of their own.
 */
export function isValueRead(path: NodePath<BabelTypes.MemberExpression | BabelTypes.OptionalMemberExpression>): boolean {
  const parent = path.parentPath;
  if ((parent.isOptionalMemberExpression() && path.key === 'object') || (parent.isOptionalCallExpression() && path.key === 'callee')) return false;
  if ((parent.isAssignmentExpression() || parent.isForXStatement()) && path.key === 'left') return false;
  if (parent.isUpdateExpression() || parent.isUnaryExpression({ operator: 'delete' })) return false;
  if ((parent.isCallExpression() || parent.isOptionalCallExpression()) && path.key === 'callee') return false;
  // A tag is called like a method (`this` is its object): capturing it would lose that.
  if (parent.isTaggedTemplateExpression() && path.key === 'tag') return false;
  if (parent.isArrayPattern() || parent.isObjectProperty() && parent.parentPath.isObjectPattern() || parent.isRestElement() || parent.isAssignmentPattern()) return false;
  return true;
}

/** The name of the location a tracked read reads, or null when it is no tracked read. */
export function readKey(path: NodePath, isShared: (id: NodePath<BabelTypes.Identifier>) => boolean): string | null {
  if (path.isIdentifier()) return path.isReferencedIdentifier() && isShared(path) ? `var:${bindingKey(path)}` : null;
  if (path.isMemberExpression() || path.isOptionalMemberExpression()) {
    const key = isValueRead(path) ? pathKey(path) : null;
    return key === null ? null : `prop:${key}`;
  }
  const call = entryCall(path, ENTRY_READS);
  return call ? entryKey(call.collection, call.key) : null;
}

/** The name of the location a write writes, or null (an untracked write, or one with no static name). */
export function writeKey(path: NodePath): string | null {
  if (path.isAssignmentExpression() || path.isUpdateExpression() || path.isUnaryExpression()) {
    const target = (path.isAssignmentExpression() ? path.get('left') : path.get('argument')) as NodePath;
    if (target.isIdentifier()) return path.isUnaryExpression() ? null : `var:${bindingKey(target)}`;
    const key = target.isMemberExpression() ? pathKey(target) : null;
    return key === null ? null : `prop:${key}`;
  }
  const call = entryCall(path, ENTRY_WRITES);
  return call ? entryKey(call.collection, call.key) : null;
}

/**
 * A readable name for the location a write writes, as the source spells it: `this.balance`,
 * `counts.get(key)` for a Map entry, `seen.has(id)` for a Set member. `delete` serves both, so its
 * name carries both spellings, separated by NUL; the runtime picks one (see `entryName`).
 */
export function targetName(path: NodePath): string {
  const call = entryCall(path, ENTRY_WRITES);
  if (!call) return path.getSource();
  const method = (path.get('callee.property') as NodePath<BabelTypes.Identifier>).node.name;
  const spell = (reader: string) => `${call.collection.getSource()}.${reader}(${call.key.getSource()})`;
  if (method === 'set') return spell('get');
  if (method === 'add') return spell('has');
  return `${spell('get')}\0${spell('has')}`;
}
