import { Location } from '../detector/location';
import { describeRace, raceKey, type StaleWrite } from '../detector/describe';
import { staleWriter } from '../detector/stale-read';
import { Reporter } from '../reporter';
import { currentTask, enterTask, leaveTask, resumeTask, suspendTask, type Task } from '../tracker/tasks';
import { registerModule, type ModuleSites } from './modules';

/**
 * The calls instrumented code makes (one letter each: they appear at every shared access) and the
 * controls of the programmatic API, over one shared state. Every call returns quickly and never
 * throws into the user's program: a `Location` or module is undefined only when a module is used
 * before its own top level ran (ES module cycles), and then the access is simply not tracked.
 */
export function createRuntime() {
  const reporter = new Reporter();
  let enabled = true;

  /** The first occurrence of a race is described and logged; repeats are only counted. */
  function report(stale: StaleWrite): void {
    const module = stale.location.module;
    const key = raceKey(stale);
    const known = module?.raceIds.get(key);
    if (known !== undefined) {
      reporter.repeat(known);
      return;
    }
    const race = describeRace(stale);
    module?.raceIds.set(key, race.id);
    reporter.report(race);
  }

  return {
    /** Register a module's site table. */
    m: registerModule,
    /** A new location for one instance of a shared variable. */
    c(module: ModuleSites | undefined, name: string, declared: number): Location {
      return new Location(module, name, declared);
    },
    /** The version a read sees. */
    v(location: Location | undefined): number | undefined {
      return location?.version;
    },
    /** The location is written now; returns the written value. */
    w<T>(location: Location | undefined, site: number, task: Task | undefined, value: T): T {
      if (enabled && location !== undefined) {
        location.version++;
        location.writer = task ?? currentTask();
        location.writeSite = site;
      }
      return value;
    },
    /** Before a write that depends on an earlier read: report it if that read went stale. */
    k<T>(location: Location | undefined, site: number, task: Task, value: T, version: number | undefined, awaits: number | undefined, readSite: number, kind: number): T {
      if (enabled && location !== undefined) {
        try {
          const other = staleWriter(location, task, version, awaits);
          if (other !== undefined) {
            report({ location, writeSite: site, task, other, readVersion: version!, awaitsAtRead: awaits!, readSite, kind });
          }
        } catch {
          // Never let the detector or a failing log destination change what the program does.
        }
      }
      return value;
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
