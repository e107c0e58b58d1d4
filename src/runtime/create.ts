import { isMainThread } from 'node:worker_threads';
import { describeRace, raceKey, testOf, type StaleWrite } from '../detector/describe';
import { Location, VariableLocation } from '../detector/location';
import { collectionKind, entryLocation, propertyLocation, quietGet, superPropertyLocation } from '../detector/object-locations';
import type { TargetType } from '../detector/race';
import { Flow, handArgument, handReturn, staleFlowWriter, takeArgument, takeAwaited, takeReturn, type FlowSources } from '../detector/flows';
import { CONDITION, staleWriter } from '../detector/stale-read';
import { Reporter } from '../reporter';
import { FULL_STACKS, registerMappedFile } from '../reporter/stacks';
import { setSampleRate } from '../staging/sampling';
import { applyOptions, settingsFromEnv, type Settings, type SettingsOptions } from '../staging/settings';
import { currentTask, currentTurn, enterTask, leaveTask, resumeTask, suspendTask, syncTask, type Task } from '../tracker/tasks';
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
  const fromEnv = settingsFromEnv();
  // Said once per process: threads (Workers, Node 20's loader hooks thread) read the same environment.
  if (isMainThread) for (const problem of fromEnv.problems) warn(`ignoring ${problem}`);
  let settings = fromEnv.settings;

  function applySettings(next: Settings, appLogger?: unknown): void {
    reporter.configure(next, appLogger);
    setSampleRate(next.sample);
    settings = next;
  }
  applySettings(settings);
  /** `race.id` of races found through a hand-off, whose read may be in another module than the write. */
  const handedOnIds = new Map<string, string>();

  /**
   * The first occurrence of a race is described and logged, and in dev mode the first one in each
   * further test; other repeats are only counted.
   */
  function report(stale: StaleWrite): void {
    const { handedOn } = stale;
    const key = handedOn ? `${handedOn.module?.file}\0${stale.readSite}\0${stale.module?.file}\0${stale.writeSite}\0${stale.kind}` : undefined;
    const known = key === undefined ? stale.module?.raceIds.get(raceKey(stale)) : handedOnIds.get(key);
    if (known !== undefined && !reporter.isNewTest(known, testOf(stale.task))) {
      reporter.repeat(known);
      return;
    }
    const race = describeRace(stale);
    if (key === undefined) stale.module?.raceIds.set(raceKey(stale), race.id);
    else handedOnIds.set(key, race.id);
    reporter.report(race, isIgnoredSite(stale.module, stale.writeSite), handedOn !== undefined);
  }

  /** Report the write if the read it depends on (version and await count stamped then) went stale. */
  function check(
    location: Location, module: ModuleSites | undefined, site: number, task: Task, version: number | undefined,
    awaits: number | undefined, readSite: number, kind: number, name: string | undefined, type: TargetType,
  ): void {
    if (!task.tracked) return;
    try {
      const other = staleWriter(location, task, version, awaits, kind);
      if (other === undefined) return;
      report({ location, module, writeSite: site, task, other, readVersion: version!, awaitsAtRead: awaits!, readSite, kind: kind & CONDITION, name, type });
    } catch {
      // Never let the detector or a failing log destination change what the program does.
    }
  }

  /** Report the write if a read handed on to it (see flows.ts) went stale. */
  function checkFlows(
    location: Location | undefined, module: ModuleSites | undefined, site: number, task: Task,
    flows: readonly Flow[] | undefined, kind: number, target: () => [string | undefined, TargetType],
  ): void {
    if (location === undefined || flows === undefined || !task.tracked) return;
    try {
      for (const flow of flows) {
        const other = staleFlowWriter(location, flow, task);
        if (other === undefined) continue;
        const handedOn = { module: flow.module, turn: flow.turn, reader: flow.task };
        const [name, type] = target();
        report({ location, module, writeSite: site, task, other, readVersion: flow.version, awaitsAtRead: 0, readSite: flow.site, kind: kind & CONDITION, name, type, handedOn });
        return;
      }
    } catch {
      // As in check: never let the detector change what the program does.
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

  /** How a write of an entry names its target: a `delete` names both spellings, Map's first (see the plugin's targetName). */
  function entryTarget(collection: unknown, name: string): [string, TargetType] {
    const type: TargetType = collectionKind(collection) === 'set' ? 'set-member' : 'map-entry';
    const [mapName, setName = mapName] = name.split('\0');
    return [type === 'set-member' ? setName : mapName, type];
  }

  function propertyType(object: unknown): TargetType {
    try {
      return Array.isArray(object) ? 'array-element' : 'property';
    } catch {
      return 'property'; // a revoked Proxy
    }
  }

  return {
    /** Register a module's site table; `generated`: the compiled file its sites were traced back from. */
    m(file: string, positions: readonly number[], ignoredLines?: readonly number[], generated?: string): ModuleSites {
      if (generated !== undefined) registerMappedFile(generated);
      return registerModule(file, positions, ignoredLines);
    },
    /** A new location for one instance of a shared variable. */
    c(module: ModuleSites | undefined, name: string, declared: number): VariableLocation {
      return new VariableLocation(module, name, declared);
    },
    /** The version a read sees. */
    v(location: Location | undefined): number | undefined {
      if (FULL_STACKS && enabled && location !== undefined) location.read(currentTask());
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
      return enabled && currentTask().tracked ? propertyLocation(object, key, true) : undefined;
    },
    /** The location `super[key]` reads in a method of class `home`, for a read a later write depends on. */
    ls(home: unknown, isStatic: boolean, receiver: unknown, key: unknown): Location | undefined {
      return enabled && currentTask().tracked ? superPropertyLocation(home, isStatic, receiver, key) : undefined;
    },
    /** The location of entry `key` of a Map or Set, for a read a later write depends on. */
    le(collection: unknown, key: unknown): Location | undefined {
      return enabled && currentTask().tracked ? entryLocation(collection, key, true) : undefined;
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
      writtenFrom(entryLocation(collection, key, false), read, module, site, task, version, awaits, readSite, kind, () => entryTarget(collection, name));
    },
    /** A read whose value leaves its function: what it saw, to hand on with the value. */
    f(location: Location | undefined, module: ModuleSites | undefined, site: number, task: Task): Flow | undefined {
      return enabled && location !== undefined && task.tracked ? new Flow(location, location.version, currentTurn(), module, site, task) : undefined;
    },
    /** A function returns `value`, computed from `sources` (`task`: an async function's); returns it unchanged. */
    h<T>(value: T, sources: FlowSources, task?: Task): T {
      if (enabled) handReturn(value, sources, task);
      return value;
    },
    /** The flows handed with `value`, just returned by a synchronous call. */
    tr: takeReturn,
    /** The flows handed with `value`, just awaited from an async call. */
    tw: takeAwaited,
    /** Argument `index`, `value`, is computed from `sources`: hand them to the callee; returns the value. */
    pa<T>(value: T, index: number, sources: FlowSources): T {
      if (enabled) handArgument(value, index, sources);
      return value;
    },
    /** The flows handed with parameter `index`, holding `value`. */
    tp: takeArgument,
    /** Before a variable write computed from values handed on: report it if a read they carry went stale. */
    kf<T>(location: VariableLocation | undefined, site: number, task: Task, value: T, flows: readonly Flow[] | undefined, kind: number): T {
      if (enabled && location !== undefined) checkFlows(location, location.module, site, task, flows, kind, () => [undefined, 'variable']);
      return value;
    },
    /** After a property (`entry` 0) or entry (1) write computed from values handed on, before it is recorded: the same. */
    cf(
      entry: number, object: unknown, key: unknown, module: ModuleSites | undefined, site: number, task: Task,
      flows: readonly Flow[] | undefined, kind: number, name: string,
    ): void {
      if (!enabled || flows === undefined) return;
      if (entry) checkFlows(entryLocation(object, key, false), module, site, task, flows, kind, () => entryTarget(object, name));
      else checkFlows(propertyLocation(object, key, false), module, site, task, flows, kind, () => [name, propertyType(object)]);
    },
    /** A synchronous function that hands reads on starts: returns its task. */
    s: syncTask,
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
    /**
     * Staging mode, sampling, the counts interval and the application's pino logger, over what the
     * environment set (see staging/settings.ts); throws a TypeError on a value it cannot use.
     */
    configure(options: SettingsOptions & { logger?: unknown } = {}): void {
      applySettings(applyOptions(settings, options), options.logger);
    },
    races: () => reporter.races(),
    suppressed: () => reporter.suppressedCount(),
    /** Writes the counts line now, if any race was seen (a worker about to be torn down). */
    flushCounts: () => reporter.writeCounts(),
  };
}

export type Runtime = ReturnType<typeof createRuntime>;

/** A one-line notice on stderr (a setting that cannot be used); never throws. */
function warn(message: string): void {
  try {
    process.stderr.write(`asyncrace: ${message}\n`);
  } catch {
    // stderr closed: nothing else to tell
  }
}
