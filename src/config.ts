import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The environment every entry point reads (register, and later the test-runner integrations), so
 * `asyncrace run --log F` and `ASYNCRACE_LOG=F node -r asyncrace/register` mean the same.
 */
export const ENV = {
  /** Where reports go: `stderr` (default), `stdout`, or a file path appended to. */
  log: 'ASYNCRACE_LOG',
  /**
   * Set by `asyncrace run` when it relays the log file it gave ASYNCRACE_LOG to its own stderr or
   * stdout (cli/log-relay.ts): where the user sees the reports, for messages that point at them.
   */
  logShownAs: 'ASYNCRACE_LOG_SHOWN_AS',
  /** Set by `asyncrace run --fail-on-race`: the file processes note races and test failures in (outcome.ts). */
  raceFlagFile: 'ASYNCRACE_RACE_FLAG_FILE',
  /** `1` (set by `asyncrace run --fail-on-race`): test-runner integrations fail a test that raced. */
  failOnRace: 'ASYNCRACE_FAIL_ON_RACE',
  /** Suppression patterns (`target:balance,file:src/legacy/**`), added to those of package.json. */
  suppress: 'ASYNCRACE_SUPPRESS',
  /** Globs of files to instrument (`src/**,lib/**`), added to those of package.json. */
  include: 'ASYNCRACE_INCLUDE',
  /** Globs of files never to instrument, added to those of package.json. */
  exclude: 'ASYNCRACE_EXCLUDE',
  /** `all`: reports carry the stacks of the read and the intervening write, and where both tasks started (`asyncrace run --stacks`). */
  stacks: 'ASYNCRACE_STACKS',
  /** `0` turns the transform cache off (`asyncrace run --no-cache`). */
  cache: 'ASYNCRACE_CACHE',
  /** `dev` (default) or `staging`: made for long-running services (see src/staging). */
  mode: 'ASYNCRACE_MODE',
  /** Staging mode: seconds between periodic counts lines (default 60). */
  countsInterval: 'ASYNCRACE_COUNTS_INTERVAL',
  /** The fraction of root tasks tracked, above 0 and at most 1 (default 1: all). */
  sample: 'ASYNCRACE_SAMPLE',
} as const;

export type LogTarget = { kind: 'fd'; fd: 1 | 2 } | { kind: 'file'; path: string };

export function parseLogTarget(value: string | undefined): LogTarget {
  if (value === undefined || value === '' || value === 'stderr') return { kind: 'fd', fd: 2 };
  if (value === 'stdout') return { kind: 'fd', fd: 1 };
  return { kind: 'file', path: value };
}

/** A standard stream as `--log` and ASYNCRACE_LOG name it. */
export function streamName(fd: 1 | 2): 'stdout' | 'stderr' {
  return fd === 1 ? 'stdout' : 'stderr';
}

/**
 * Where a person finds the reports: the stream `asyncrace run` relays the log file to
 * (ASYNCRACE_LOG_SHOWN_AS, see cli/log-relay.ts), else what ASYNCRACE_LOG names.
 */
export function shownLogTarget(env: NodeJS.ProcessEnv = process.env): LogTarget {
  return parseLogTarget(env[ENV.logShownAs] || env[ENV.log]);
}

/** What a suppression pattern is matched against: the race's target name, its write's file, or the function making the write. */
export type SuppressionKind = 'target' | 'file' | 'function';
export interface SuppressionPattern {
  readonly kind: SuppressionKind;
  readonly glob: string;
}

const SUPPRESSION = /^(target|file|function):(.+)$/;

/** Entries of a comma-separated list, split outside braces so a glob's `{a,b}` keeps its comma. */
export function splitList(value: string): string[] {
  return value.split(/,(?![^{]*\})/).map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * Parses `target:balance,file:src/{a,b}/**`. Entries that are not `kind:glob` are returned as
 * `invalid`.
 */
export function parseSuppressions(value: string): { patterns: SuppressionPattern[]; invalid: string[] } {
  const patterns: SuppressionPattern[] = [];
  const invalid: string[] = [];
  for (const entry of splitList(value)) {
    const match = SUPPRESSION.exec(entry);
    if (match) patterns.push({ kind: match[1] as SuppressionKind, glob: match[2]!.trim() });
    else invalid.push(entry);
  }
  return { patterns, invalid };
}

function nearestPackageJson(dir: string): string | undefined {
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return file;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * List settings of the `asyncrace` key in the nearest package.json from the working directory
 * (`{ "asyncrace": { "suppress": [...] } }`), the file read once: each an array of strings, or one
 * string read as a comma-separated list. Problems are added to `problems` in words, prefixed with
 * the file; a setting that is no list is left out.
 */
function packageLists<K extends string>(keys: readonly K[], problems: string[]): { file: string; lists: Partial<Record<K, string[]>> } | undefined {
  const file = nearestPackageJson(process.cwd());
  if (!file) return undefined;
  let settings: Record<string, unknown> | undefined;
  try {
    settings = JSON.parse(fs.readFileSync(file, 'utf8'))?.asyncrace;
  } catch (error) {
    problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const lists: Partial<Record<K, string[]>> = {};
  for (const key of keys) {
    const value = settings?.[key];
    const entries = typeof value === 'string' ? splitList(value) : value ?? [];
    if (Array.isArray(entries) && entries.every((e) => typeof e === 'string')) lists[key] = entries as string[];
    else problems.push(`${file}: asyncrace.${key} must be a string or an array of strings`);
  }
  return { file, lists };
}

/**
 * The suppression patterns in force: those of `ASYNCRACE_SUPPRESS` (which `asyncrace run --suppress`
 * sets) and those of `asyncrace.suppress` in the nearest package.json from the working directory.
 * They add up. `problems` says, in words, what could not be used.
 */
export function readSuppressions(): { patterns: SuppressionPattern[]; problems: string[] } {
  const patterns: SuppressionPattern[] = [];
  const problems: string[] = [];
  const add = (value: string, source: string) => {
    const parsed = parseSuppressions(value);
    patterns.push(...parsed.patterns);
    for (const entry of parsed.invalid) problems.push(`${source}: '${entry}' is not a suppression (target:, file: or function: followed by a pattern)`);
  };
  add(process.env[ENV.suppress] ?? '', ENV.suppress);
  const fromPackage = packageLists(['suppress'], problems);
  for (const entry of fromPackage?.lists.suppress ?? []) add(entry, fromPackage!.file);
  return { patterns, problems };
}

/**
 * Which files to instrument, beyond the default (the working directory's, outside node_modules):
 * include and exclude globs from `ASYNCRACE_INCLUDE`/`ASYNCRACE_EXCLUDE` (which `asyncrace run
 * --include/--exclude` set) and `asyncrace.include`/`asyncrace.exclude` in package.json, added up.
 */
export function readFileSelection(): { include: string[]; exclude: string[]; problems: string[] } {
  const problems: string[] = [];
  const { include = [], exclude = [] } = packageLists(['include', 'exclude'], problems)?.lists ?? {};
  const list = (variable: string, fromPackage: string[]) => [...splitList(process.env[variable] ?? ''), ...fromPackage];
  return { include: list(ENV.include, include), exclude: list(ENV.exclude, exclude), problems };
}
