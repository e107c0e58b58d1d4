/**
 * A Map whose values are held weakly. A location matters only while a stamped read (a local of
 * generated code, or a Flow) holds it: once none does, no later write can be checked against it,
 * and a new read starts a new one. Holding locations weakly is what keeps the tables of a
 * long-running service bounded when its keys keep changing (a per-request entry of a long-lived Map,
 * a property named after an id). Dead entries are swept when the map has doubled since the last
 * sweep, which costs O(1) per insertion over time.
 */
export class WeakValues<K, V extends object> {
  private readonly refs = new Map<K, WeakRef<V>>();
  private sweepAt = 16;

  get(key: K): V | undefined {
    return this.refs.get(key)?.deref();
  }

  set(key: K, value: V): void {
    this.refs.set(key, new WeakRef(value));
    if (this.refs.size >= this.sweepAt) this.sweep();
  }

  private sweep(): void {
    for (const [key, ref] of this.refs) if (ref.deref() === undefined) this.refs.delete(key);
    this.sweepAt = Math.max(16, this.refs.size * 2);
  }
}
