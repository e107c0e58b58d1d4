import type { Race, RaceAccess, RaceKind, TargetType } from '../detector/race';
import type { GroupedRace, GroupedReport } from './model';
import type { LineSink } from './read-lines';
import { parseSite } from './render-options';

/** Which lines count, by pino `time` (epoch ms), both ends included. */
export interface TimeWindow {
  since: number;
  until: number;
}

export const ALL_TIME: TimeWindow = { since: -Infinity, until: Infinity };

export interface GroupingResult {
  report: GroupedReport;
  /** Races that occurred in the window but whose full report is in none of the logs: left out, as there is nothing to show of them. */
  countedOnly: string[];
}

/** The process (or thread) a line came from. */
interface Origin {
  key: string;
  hostname: string;
  pid: number;
}

/** One process's share of one race. */
interface ProcessTally {
  hostname: string;
  pid: number;
  /** Full reports in the window. */
  fullReports: number;
  /** Largest cumulative count of counts lines before the window, and up to its end. */
  countedBefore: number;
  countedUpToEnd: number;
}

interface RaceEntry {
  /** The earliest full report, wherever it is (the window only decides what is counted). */
  race?: Race;
  raceTime: number;
  /** Keyed by hostname, pid and threadId (CONTRACT.md "Counts": a process is hostname + pid). */
  processes: Map<string, ProcessTally>;
  firstSeen: number;
  lastSeen: number;
  tests: Map<string, NonNullable<Race['test']>>;
}

const KINDS: ReadonlySet<string> = new Set<RaceKind>(['lost-update', 'stale-check']);
const TARGET_TYPES: ReadonlySet<string> = new Set<TargetType>(['variable', 'property', 'map-entry', 'set-member', 'array-element']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSite(value: unknown): value is string {
  return typeof value === 'string' && parseSite(value) !== undefined;
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** An access as the contract spells it, with only its own fields: other keys a line may carry are not passed on. */
function access(value: unknown): RaceAccess | undefined {
  if (!isObject(value) || !isSite(value.site) || !isCount(value.version) || !isCount(value.task)) return undefined;
  const result: RaceAccess = { site: value.site, version: value.version, task: value.task };
  if (value.stack !== undefined) {
    if (!Array.isArray(value.stack) || !value.stack.every((frame) => typeof frame === 'string')) return undefined;
    result.stack = value.stack;
  }
  return result;
}

/** The `race` of a report line, checked field by field; undefined when it is not one. */
function parseRace(value: unknown): Race | undefined {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '') return undefined;
  if (typeof value.kind !== 'string' || !KINDS.has(value.kind)) return undefined;
  const { target, await: awaited, test } = value;
  if (!isObject(target) || typeof target.name !== 'string' || typeof target.type !== 'string' || !TARGET_TYPES.has(target.type)) return undefined;
  if (target.declared !== undefined && !isSite(target.declared)) return undefined;
  if (!isObject(awaited) || !isSite(awaited.site)) return undefined;
  if (test !== undefined && (!isObject(test) || typeof test.file !== 'string' || typeof test.name !== 'string')) return undefined;
  const read = access(value.read);
  const intervening = access(value.intervening);
  const write = access(value.write);
  if (!read || !intervening || !write) return undefined;
  const race: Race = {
    id: value.id,
    kind: value.kind as RaceKind,
    target: { name: target.name, type: target.type as TargetType },
    read,
    await: { site: awaited.site },
    intervening,
    write,
  };
  if (target.declared !== undefined) race.target.declared = target.declared;
  if (test !== undefined) race.test = { file: test.file as string, name: test.name as string };
  return race;
}

/** `counts.races` of a counts line; undefined when it is not one. */
function parseCounts(value: unknown): Map<string, number> | undefined {
  if (!isObject(value) || !isObject(value.races)) return undefined;
  const counts = new Map<string, number>();
  for (const [id, count] of Object.entries(value.races)) {
    if (!isCount(count)) return undefined;
    counts.set(id, count);
  }
  return counts;
}

function byFileThenName(a: { file: string; name: string }, b: { file: string; name: string }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Groups the race reports of any number of logs by `race.id`, line by line: it keeps one entry per
 * race and process, never the lines, so memory grows with races and processes, not with the log.
 *
 * Counting (CONTRACT.md "Counts"): a process's occurrences of a race are the larger of its
 * cumulative count and its number of full reports, summed over processes. With a time window, a
 * process's counts lines are read as snapshots: what it counted in the window is its cumulative
 * count at its last counts line in the window minus that at its last one before the window (or its
 * full reports in the window, if more). An occurrence is thus dated by the counts line that first
 * counted it; a process whose only counts line is its exit line has all its occurrences dated then.
 */
export class RaceGrouper implements LineSink {
  private readonly races = new Map<string, RaceEntry>();
  private skipped = 0;

  constructor(private readonly window: TimeWindow = ALL_TIME) {}

  overlong(): void {
    this.skipped++;
  }

  line(text: string): void {
    // Most lines of a log are someone else's: a line naming neither key is skipped without parsing it.
    if (!text.includes('"race"') && !text.includes('"counts"')) {
      if (text.trim() !== '') this.skipped++;
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.skipped++;
      return;
    }
    if (!this.take(parsed)) this.skipped++;
  }

  /** Records a race line or a counts line; false for anything else. */
  private take(line: unknown): boolean {
    if (!isObject(line)) return false;
    const { time, pid, hostname, threadId } = line;
    if (typeof time !== 'number' || !Number.isFinite(time) || !Number.isInteger(pid) || typeof hostname !== 'string') return false;
    if (threadId !== undefined && !Number.isInteger(threadId)) return false;
    const origin: Origin = { key: `${hostname}\0${pid}\0${threadId ?? ''}`, hostname, pid: pid as number };
    if (line.race !== undefined) {
      const race = parseRace(line.race);
      if (!race) return false;
      this.takeRace(race, time, origin);
      return true;
    }
    const counts = parseCounts(line.counts);
    if (!counts) return false;
    for (const [id, count] of counts) this.takeCount(id, count, time, origin);
    return true;
  }

  private entry(id: string): RaceEntry {
    let entry = this.races.get(id);
    if (!entry) {
      entry = { raceTime: Infinity, processes: new Map(), firstSeen: Infinity, lastSeen: -Infinity, tests: new Map() };
      this.races.set(id, entry);
    }
    return entry;
  }

  private tally(entry: RaceEntry, origin: Origin): ProcessTally {
    let tally = entry.processes.get(origin.key);
    if (!tally) {
      tally = { hostname: origin.hostname, pid: origin.pid, fullReports: 0, countedBefore: 0, countedUpToEnd: 0 };
      entry.processes.set(origin.key, tally);
    }
    return tally;
  }

  private inWindow(time: number): boolean {
    return time >= this.window.since && time <= this.window.until;
  }

  private seen(entry: RaceEntry, time: number): void {
    entry.firstSeen = Math.min(entry.firstSeen, time);
    entry.lastSeen = Math.max(entry.lastSeen, time);
  }

  private takeRace(race: Race, time: number, origin: Origin): void {
    const entry = this.entry(race.id);
    if (time < entry.raceTime) {
      entry.race = race;
      entry.raceTime = time;
    }
    if (!this.inWindow(time)) return;
    this.tally(entry, origin).fullReports++;
    this.seen(entry, time);
    if (race.test) entry.tests.set(`${race.test.file}\0${race.test.name}`, race.test);
  }

  private takeCount(id: string, count: number, time: number, origin: Origin): void {
    if (time > this.window.until) return;
    const entry = this.entry(id);
    const tally = this.tally(entry, origin);
    tally.countedUpToEnd = Math.max(tally.countedUpToEnd, count);
    if (time < this.window.since) tally.countedBefore = Math.max(tally.countedBefore, count);
    else if (count > 0) this.seen(entry, time);
  }

  /** The grouped report: races counted in the window, at least `minCount` times, most occurrences first. */
  result(minCount = 1): GroupingResult {
    const races: GroupedRace[] = [];
    const countedOnly: string[] = [];
    for (const [id, entry] of this.races) {
      let count = 0;
      const hosts = new Set<string>();
      const pids = new Set<number>();
      for (const tally of entry.processes.values()) {
        const occurrences = Math.max(tally.countedUpToEnd - tally.countedBefore, tally.fullReports);
        if (occurrences === 0) continue;
        count += occurrences;
        hosts.add(tally.hostname);
        pids.add(tally.pid);
      }
      if (count === 0) continue;
      if (!entry.race) {
        countedOnly.push(id);
        continue;
      }
      if (count < minCount) continue;
      const { kind, target, read, await: awaited, intervening, write } = entry.race;
      races.push({
        id,
        kind,
        target,
        read,
        await: awaited,
        intervening,
        write,
        count,
        firstSeen: entry.firstSeen,
        lastSeen: entry.lastSeen,
        hosts: [...hosts].sort(),
        pids: [...pids].sort((a, b) => a - b),
        tests: [...entry.tests.values()].sort(byFileThenName),
      });
    }
    races.sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { report: { races, skipped: this.skipped }, countedOnly: countedOnly.sort() };
  }
}
