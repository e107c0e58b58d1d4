import { describeRace, raceKey, type StaleWrite } from '../detector/describe';
import { Location, VariableLocation } from '../detector/location';
import { collectionKind, entryLocation, propertyLocation, quietGet } from '../detector/object-locations';
import type { TargetType } from '../detector/race';
import { CONDITION, staleWriter } from '../detector/stale-read';
import { Reporter } from '../reporter';
import { currentTask, enterTask, leaveTask, resumeTask, suspendTask, type Task } from '../tracker/tasks';
import { isIgnoredSite, registerModule, type ModuleSites } from './modules';

/**
 * The calls instrumented code makes (one or two letters each: they appear at every shared access)
 * and the controls of the programmatic API, over one shared state. Every call returns quickly and
 * never throws into the user's program: a location or module is undefined only when a module is
 * used before its own top level ran (ES module cycles), and then the access is simply not tracked.
 */
export function createRuntime() {
  const reporter = new Reporter();
  let enabled = true;

  /** The first occurrence of a race is described and logged; repeats are only counted. */
  function report(stale: StaleWrite): void {
    const key = raceKey(stale);
    const known = stale.module?.raceIds.get(key);
    if (known !== undefined) {
      reporter.repeat(known);
      return;
    }
    const race = describeRace(stale);
    stale.module?.raceIds.set(key, race.id);
    reporter.report(race, isIgnoredSite(stale.module, stale.writeSite));
  }

  /** Report the write if the read it depends on (version and await count stamped then) went stale. */
  function check(
    location: Location, module: ModuleSites | undefined, site: number, task: Task, version: number | undefined,
    awaits: number | undefined, readSite: number, kind: number, name: string | undefined, type: TargetType,
  ): void {
    try {
      const other = staleWriter(location, task, version, awaits, kind);
      if (other === undefined) return;
      report({ location, module, writeSite: site, task, other, readVersion: version!, awaitsAtRead: awaits!, readSite, kind: kind & CONDITION, name, type });
    } catch {
      // Never let the detector or a failing log destination change what the program does.
    }
  }

  /** A write of a property or an entry from a stamped read: checked if it wrote the location read, then recorded. */
  function writtenFrom(
    location: Location | undefined, read: Location | undefined, module: ModuleSites | undefined, site: number, task: Task,
    version: number | undefined, awaits: number | undefined, readSite: number, kind: number, target: () => [string, TargetType],
  ): void {
    if (location === undefined) return;
    if (location === read) check(location, module, site, task, version, awaits, readSite, kind, ...target());
    location.written(task, module, site);
  }

  function entryType(collection: unknown): TargetType {
    return collectionKind(collection) === 'set' ? 'set-member' : 'map-entry';
  }

  function propertyType(object: unknown): TargetType {
    try {
      return Array.isArray(object) ? 'array-element' : 'property';
    } catch {
      return 'property'; // a revoked Proxy
    }
  }

  return {
    /** Register a module's site table. */
    m: registerModule,
    /** A new location for one instance of a shared variable. */
    c(module: ModuleSites | undefined, name: string, declared: number): VariableLocation {
      return new VariableLocation(module, name, declared);
    },
    /** The version a read sees. */
    v(location: Location | undefined): number | undefined {
      return location?.version;
    },
    /** A shared variable is written now with `value`; returns it. */
    w<T>(location: VariableLocation | undefined, site: number, task: Task | undefined, value: T): T {
      if (enabled && location !== undefined) location.written(task ?? currentTask(), location.module, site);
      return value;
    },
    /** Before a variable write that depends on an earlier read: report it if that read went stale. */
    k<T>(location: VariableLocation | undefined, site: number, task: Task, value: T, version: number | undefined, awaits: number | undefined, readSite: number, kind: number): T {
      if (enabled && location !== undefined) check(location, location.module, site, task, version, awaits, readSite, kind, undefined, 'variable');
      return value;
    },
    /** `object[key]` if reading it runs none of the program's code (to locate `a.b.c` before the program reads it). */
    g: quietGet,
    /** The location of `object[key]`, for a read a later write depends on. */
    lp(object: unknown, key: unknown): Location | undefined {
      return enabled ? propertyLocation(object, key, true) : undefined;
    },
    /** The location of entry `key` of a Map or Set, for a read a later write depends on. */
    le(collection: unknown, key: unknown): Location | undefined {
      return enabled ? entryLocation(collection, key, true) : undefined;
    },
    /** `object[key]` was just written (assigned, updated or deleted). */
    wp(object: unknown, key: unknown, module: ModuleSites | undefined, site: number, task: Task | undefined): void {
      if (enabled) propertyLocation(object, key, false)?.written(task ?? currentTask(), module, site);
    },
    /** Entry `key` of a Map or Set was just written (set, added or deleted). */
    we(collection: unknown, key: unknown, module: ModuleSites | undefined, site: number, task: Task | undefined): void {
      if (enabled) entryLocation(collection, key, false)?.written(task ?? currentTask(), module, site);
    },
    /** `object[key]` was just written from an earlier read (stamped in `read`): check it, then record it. */
    kp(
      object: unknown, key: unknown, module: ModuleSites | undefined, site: number, task: Task,
      read: Location | undefined, version: number | undefined, awaits: number | undefined, readSite: number, kind: number, name: string,
    ): void {
      if (!enabled) return;
      const target = (): [string, TargetType] => [name, propertyType(object)];
      writtenFrom(propertyLocation(object, key, false), read, module, site, task, version, awaits, readSite, kind, target);
    },
    /** Entry `key` of a Map or Set was just written from an earlier read: check it, then record it. */
    ke(
      collection: unknown, key: unknown, module: ModuleSites | undefined, site: number, task: Task,
      read: Location | undefined, version: number | undefined, awaits: number | undefined, readSite: number, kind: number, name: string,
    ): void {
      if (!enabled) return;
      const target = (): [string, TargetType] => {
        const type = entryType(collection);
        // A `delete` names both spellings, Map's first (see the plugin's targetName).
        const [mapName, setName = mapName] = name.split('\0');
        return [type === 'set-member' ? setName : mapName, type];
      };
      writtenFrom(entryLocation(collection, key, false), read, module, site, task, version, awaits, readSite, kind, target);
    },
    /** An async function starts: returns its task. */
    e: enterTask,
    /** The task is about to await `value`; returns it unchanged. */
    a<T>(task: Task, startedBefore: number, value: T, module: ModuleSites | undefined, site: number): T {
      suspendTask(task, startedBefore, module, site);
      return value;
    },
    /** The task runs again; returns `value` unchanged. */
    r<T>(task: Task, value?: T): T | undefined {
      resumeTask(task);
      return value;
    },
    /** The async function ends. */
    x: leaveTask,
    /** A `for await` loop turn: the task passed the loop's implicit await and runs again. */
    l(task: Task, module: ModuleSites | undefined, site: number): void {
      suspendTask(task, task.n, module, site);
      resumeTask(task);
    },

    start(): void {
      enabled = true;
    },
    stop(): void {
      enabled = false;
    },
    races: () => reporter.races(),
    suppressed: () => reporter.suppressedCount(),
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
