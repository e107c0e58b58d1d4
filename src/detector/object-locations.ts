import { types } from 'node:util';
import { Location } from './location';
import { WeakValues } from './weak-values';

/**
 * Locations that live in objects made at run time: properties, and entries of Maps and Sets. Tables
 * are keyed weakly by the object (and by the key, when the key is an object), so tracking never
 * keeps anything alive; a location under a primitive key is held weakly too (see weak-values.ts), so
 * a long-lived object whose keys keep changing holds only the locations stamped reads still hold.
 * A location is made only when a read that a later write depends on is stamped; a write to an object
 * nobody stamped costs one failed WeakMap lookup.
 */
type Table = { primitives: WeakValues<unknown, Location>; objects: WeakMap<object, Location> };

const properties = new WeakMap<object, WeakValues<PropertyKey, Location>>();
const entries = new WeakMap<object, Table>();

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * A property key as the object sees it, or undefined for a key whose conversion could run user code
 * (an object with its own toString): those are left untracked rather than converted twice.
 */
function propertyKey(key: unknown): PropertyKey | undefined {
  if (typeof key === 'string' || typeof key === 'symbol') return key;
  if (isObject(key)) return undefined;
  return String(key);
}

/** What `quietGet` gives for a property it cannot read without running the program's code. */
const UNREADABLE = Symbol('unreadable');

/**
 * `object[key]` read without running any of the program's code (no getter, Proxy trap or key
 * conversion): the value of a data property found on the prototype chain, or UNREADABLE, which
 * names no location. It lets generated code locate `a.b.c` before the program reads it.
 */
export function quietGet(object: unknown, key: unknown): unknown {
  const found = findProperty(object, propertyKey(key));
  return found && 'value' in found.descriptor ? found.descriptor.value : UNREADABLE;
}

/** Where `name` is found on the prototype chain from `object` on, found without running the program's code. */
function findProperty(object: unknown, name: PropertyKey | undefined): { holder: object; descriptor: PropertyDescriptor } | undefined {
  if (!isObject(object) || name === undefined) return undefined;
  try {
    for (let o: object | null = object; o !== null; o = Object.getPrototypeOf(o)) {
      if (types.isProxy(o)) return undefined;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      if (descriptor) return { holder: o, descriptor };
    }
  } catch {
    // a module namespace's binding not initialized yet
  }
  return undefined;
}

/**
 * The location a `super[key]` read reads, in a method of class `home` (`isStatic`: a static one):
 * a data property where the lookup finds it, above the class; an accessor's state is the receiver's,
 * so it is located on `receiver`, as `super[key] = v` is. Untracked when the chain has a Proxy.
 */
export function superPropertyLocation(home: unknown, isStatic: boolean, receiver: unknown, key: unknown): Location | undefined {
  if (!isObject(home)) return undefined;
  // A class's own `prototype` is a plain data property: reading it runs nothing.
  const homeObject: unknown = isStatic ? home : findProperty(home, 'prototype')?.descriptor.value;
  if (!isObject(homeObject) || types.isProxy(homeObject)) return undefined;
  const found = findProperty(Object.getPrototypeOf(homeObject), propertyKey(key));
  if (!found) return undefined;
  return propertyLocation('value' in found.descriptor ? found.holder : receiver, key, true);
}

export function propertyLocation(object: unknown, key: unknown, create: boolean): Location | undefined {
  if (!isObject(object) || key === UNREADABLE) return undefined;
  const name = propertyKey(key);
  if (name === undefined) return undefined;
  let table = properties.get(object);
  if (table === undefined) {
    if (!create) return undefined;
    table = new WeakValues();
    properties.set(object, table);
  }
  let location = table.get(name);
  if (location === undefined && create) {
    location = new Location();
    table.set(name, location);
  }
  return location;
}

export type CollectionKind = 'map' | 'set';

/** Brand checks that run no user code: a Proxy, or an object with its own `get`, is no collection. */
const BRANDS: Array<[(value: object) => unknown, CollectionKind]> = [
  [(v) => Map.prototype.has.call(v, undefined), 'map'],
  [(v) => WeakMap.prototype.has.call(v, {}), 'map'],
  [(v) => Set.prototype.has.call(v, undefined), 'set'],
  [(v) => WeakSet.prototype.has.call(v, {}), 'set'],
];

export function collectionKind(value: unknown): CollectionKind | undefined {
  if (!isObject(value)) return undefined;
  for (const [check, kind] of BRANDS) {
    try {
      check(value);
      return kind;
    } catch {
      // not this kind of collection
    }
  }
  return undefined;
}

/** The location of one entry (Map, WeakMap) or member (Set, WeakSet) of a real collection. */
export function entryLocation(collection: unknown, key: unknown, create: boolean): Location | undefined {
  if (!isObject(collection) || key === UNREADABLE) return undefined;
  let table = entries.get(collection);
  if (table === undefined) {
    if (!create || collectionKind(collection) === undefined) return undefined;
    table = { primitives: new WeakValues(), objects: new WeakMap() };
    entries.set(collection, table);
  }
  const byKey = isObject(key) ? table.objects : table.primitives;
  let location = byKey.get(key as object);
  if (location === undefined && create) {
    location = new Location();
    byKey.set(key as object, location);
  }
  return location;
}
