import { createHash } from 'node:crypto';
import { captureStack, formatStack, FULL_STACKS, type CapturedStack } from '../reporter/stacks';
import { siteOf, type ModuleSites } from '../runtime/modules';
import { logicalTask, type Task } from '../tracker/tasks';
import { runningTest, type TestRef } from '../tracker/tests';
import { VariableLocation, type Location } from './location';
import type { Race, RaceKind, TargetType } from './race';

/** Matches the plugin's DependencyKind: how a write depends on its read. */
const KINDS: readonly RaceKind[] = ['lost-update', 'stale-check'];

/** One stale write as the runtime saw it, before it is put into words. */
export interface StaleWrite {
  readonly location: Location;
  /** The module of the write (and of the read, unless `readModule` says otherwise). */
  readonly module: ModuleSites | undefined;
  readonly writeSite: number;
  readonly task: Task;
  readonly other: Task;
  readonly readVersion: number;
  readonly awaitsAtRead: number;
  readonly readSite: number;
  readonly kind: number;
  /** The target as the write spells it (`this.balance`); a variable's own name when undefined. */
  readonly name: string | undefined;
  readonly type: TargetType;
  /** Set when the read was handed on from another function (see flows.ts): its module and turn. */
  readonly handedOn?: { readonly module: ModuleSites | undefined; readonly turn: number; readonly reader: Task };
}

/**
 * A number naming the race of a stale write within its module (same kind, read site and write site:
 * same race, the write site fixing the target), so repeats are recognised without formatting.
 */
export function raceKey({ module, readSite, writeSite, kind }: StaleWrite): number {
  const sites = (module?.positions.length ?? 0) / 2 + 1;
  return (kind * sites + readSite) * sites + writeSite;
}

/**
 * Stable across runs and processes for the same kind, target (its declaration for a variable),
 * read site and write site: what `asyncrace report` groups by.
 */
export function raceId(kind: RaceKind, target: string, readSite: string, writeSite: string): string {
  return createHash('sha1').update(`${kind}\0${target}\0${readSite}\0${writeSite}`).digest('hex').slice(0, 12);
}

/**
 * An access's stack (its innermost frame at the access's `site`), followed, with full stacks, by
 * where its task was started, like Go's "goroutine created at": the caller of the async function,
 * first named `task started at ...`.
 */
function stackOf(access: CapturedStack | undefined, site: string, task: Task): string[] {
  const frames = formatStack(access, site);
  // The start stack's innermost frame is the async function's own entry: its caller started it.
  const started = formatStack(logicalTask(task).startStack).slice(1, 5);
  if (started.length > 0) started[0] = `task started at ${started[0]}`;
  return [...frames, ...started];
}

/** The test the writing task runs for; code no task runs (a synchronous callback) asks the runner now. */
export function testOf(task: Task): TestRef | undefined {
  return logicalTask(task).test ?? task.test ?? runningTest();
}

/** The `race` object of the report line for a stale write. */
export function describeRace(stale: StaleWrite): Race {
  const { location, module, task, other, readVersion, awaitsAtRead, handedOn } = stale;
  const kind = KINDS[stale.kind] ?? 'lost-update';
  const read = siteOf(handedOn ? handedOn.module : module, stale.readSite);
  const write = siteOf(module, stale.writeSite);
  const awaited = handedOn
    ? (logicalTask(task).awaitSince(handedOn.turn) ?? logicalTask(handedOn.reader).awaitSince(handedOn.turn))
    : task.awaitAfter(awaitsAtRead);
  const self = logicalTask(task).id;
  const target: Race['target'] =
    location instanceof VariableLocation
      ? { name: location.name, type: 'variable', declared: siteOf(location.module, location.declared) }
      : { name: stale.name ?? '?', type: stale.type };
  const race: Race = {
    id: raceId(kind, target.declared ?? target.name, read, write),
    kind,
    target,
    read: { site: read, version: readVersion, task: self },
    await: { site: awaited ? siteOf(awaited.module, awaited.site) : read },
    intervening: { site: siteOf(location.writeModule, location.writeSite), version: location.version, task: other.id },
    // This is the write being made: its stack is the one running now.
    write: { site: write, version: location.version + 1, task: self, stack: stackOf(captureStack(), write, task) },
  };
  const test = testOf(task);
  if (test) race.test = { file: test.file, name: test.name };
  if (FULL_STACKS) {
    const reader = handedOn ? handedOn.reader : task;
    race.read.stack = stackOf(location.readStacks?.get(reader), read, reader);
    race.intervening.stack = stackOf(location.writeStack, race.intervening.site, other);
  }
  return race;
}
