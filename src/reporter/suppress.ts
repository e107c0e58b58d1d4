import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { readSuppressions, type SuppressionKind, type SuppressionPattern } from '../config';
import type { Race } from '../detector/race';
import { isOwnCode } from '../hooks/own-code';

type Matcher = (input: string) => boolean;

/**
 * Which races are known and accepted by configuration: a pattern matches the race by target name,
 * file or function (races an `asyncrace-ignore` comment covers are known from their site). Patterns are
 * globs (picomatch); a file pattern without `/` matches the file's base name at any depth.
 */
export class Suppressions {
  private readonly matchers: Record<SuppressionKind, Matcher | null>;

  constructor(patterns: readonly SuppressionPattern[]) {
    const matcher = (kind: SuppressionKind): Matcher | null => {
      // picomatch's `basename` applies to every glob given, with `/` or not: so one matcher per glob.
      const each = patterns
        .filter((p) => p.kind === kind)
        .map((p) => picomatch(p.glob, { dot: true, basename: kind === 'file' && !p.glob.includes('/') }));
      return each.length > 0 ? (input) => each.some((match) => match(input)) : null;
    };
    this.matchers = { target: matcher('target'), file: matcher('file'), function: matcher('function') };
  }

  /** Must run synchronously under the write's own call: a function pattern looks at the stack. */
  matches(race: Race): boolean {
    const [, file = ''] = /^(.*):\d+:\d+$/.exec(race.write.site) ?? [];
    const { target, file: byFile, function: byFunction } = this.matchers;
    if (target?.(race.target.name) || byFile?.(file)) return true;
    return byFunction !== null && writerNames().some(byFunction);
  }
}

/** The suppressions configured for this process; what cannot be used is said once on stderr. */
export function loadSuppressions(): Suppressions {
  const { patterns, problems } = readSuppressions();
  for (const problem of problems) {
    try {
      fs.writeSync(2, `asyncrace: ignoring ${problem}\n`);
    } catch {
      // stderr closed: nothing else to tell
    }
  }
  return new Suppressions(patterns);
}

/**
 * The names of the function making the write, as a stack trace shows it: `refresh` and
 * `Cache.refresh` for a method. Resolved from the stack at the first occurrence of a race, so the
 * generated code carries no function names.
 */
function writerNames(): string[] {
  const { prepareStackTrace, stackTraceLimit } = Error;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 16;
    Error.prepareStackTrace = (_, frames) => frames;
    Error.captureStackTrace(holder);
    const frame = holder.stack?.find((f) => !isOwnFrame(f.getFileName()));
    const name = frame?.getFunctionName();
    if (!frame || !name) return [];
    const type = frame.isToplevel() ? null : frame.getTypeName();
    return type ? [name, `${type}.${frame.getMethodName() ?? name}`] : [name];
  } catch {
    return [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Stack frames of asyncrace's own code are not the user's. */
function isOwnFrame(file: string | undefined | null): boolean {
  if (!file) return false;
  return isOwnCode(file.startsWith('file:') ? fileURLToPath(file) : file);
}
