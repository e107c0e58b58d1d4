import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV } from '../config';
import { isOwnCode } from '../hooks/own-code';
import { mappedSourcePath, readSourceMap } from '../hooks/source-map-file';
import { displayPath } from '../runtime/modules';

/**
 * Stacks of reads, writes and task starts, in the positions the user wrote. Capture is structured
 * (V8 CallSites, no string formatting) and cheap; formatting, and tracing frames of compiled code
 * back through its source map, happen only for a reported race.
 */
export type CapturedStack = readonly NodeJS.CallSite[];

/**
 * Whether every tracked write, stamped read and task start captures its stack (`ASYNCRACE_STACKS=all`),
 * so a report can say where the read, the intervening write and both tasks' starts were. Off by
 * default: the write's own stack is captured when its race is reported, for free.
 */
export const FULL_STACKS = process.env[ENV.stacks] === 'all';

/**
 * Frames kept per stack: enough to see the callers, and short enough that a report with three
 * stacks stays one line of at most 4096 bytes (PIPE_BUF), which a pipe delivers whole.
 */
const MAX_FRAMES = 10;

/** The call stack of the code calling into the runtime now (the runtime's own frames are dropped later). */
export function captureStack(): CapturedStack {
  const previous = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_, sites) => sites;
    Error.stackTraceLimit = MAX_FRAMES;
    const holder: { stack?: CapturedStack } = {};
    Error.captureStackTrace(holder, captureStack);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = limit;
  }
}

/** Compiled files whose sites were traced through a source map: their map once loaded (null: none could be). */
const mapped = new Map<string, SourceMap | null | undefined>();

/** Frames in `generated` are traced back through the source map its last comment names. */
export function registerMappedFile(generated: string): void {
  if (!mapped.has(generated)) mapped.set(generated, undefined);
}

/**
 * Code a test runner evaluated itself, by file (vitest's module runner runs what Vite transformed,
 * under the original file's name): its text, whose inline source map leads back to the file as
 * written. One list per process, whichever copy of asyncrace registered a provider.
 */
export type EvaluatedCode = (file: string) => string | undefined;
const EVALUATED = Symbol.for('asyncrace.evaluatedCode');
const holder = globalThis as typeof globalThis & { [EVALUATED]?: EvaluatedCode[] };
const evaluatedCode: EvaluatedCode[] = (holder[EVALUATED] ??= []);

export function addEvaluatedCode(provider: EvaluatedCode): void {
  evaluatedCode.push(provider);
}

function loadMap(file: string, code?: string): SourceMap | null {
  try {
    const json = readSourceMap(file, code);
    return json === null ? null : new SourceMap(JSON.parse(json));
  } catch {
    return null;
  }
}

/** The map of a file a runner evaluated itself, if one did. */
function evaluatedMap(file: string): SourceMap | null {
  for (const provider of evaluatedCode) {
    try {
      const code = provider(file);
      if (code !== undefined) return loadMap(file, code);
    } catch {
      // a runner's internals changed shape: the frame keeps its position as run
    }
  }
  return null;
}

/**
 * `file:line:column` of a frame, traced to the original source when the file was compiled with a map,
 * or when a test runner evaluated a transformed copy of it.
 */
function position(file: string, line: number, column: number): string {
  let map: SourceMap | null | undefined;
  if (mapped.has(file)) {
    map = mapped.get(file);
    if (map === undefined) mapped.set(file, (map = loadMap(file)));
  } else if (evaluatedCode.length > 0) {
    map = evaluatedMap(file);
  }
  const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (entry?.originalSource !== undefined && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
    return `${displayPath(mappedSourcePath(file, entry.originalSource))}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  }
  return `${displayPath(file)}:${line}:${column}`;
}

function functionName(site: NodeJS.CallSite): string {
  const name = site.getFunctionName();
  const type = site.isToplevel() || site.isConstructor() ? null : site.getTypeName();
  const method = name && type && !name.startsWith(`${type}.`) ? `${type}.${name}` : name ?? (site.isConstructor() ? `new ${site.getTypeName() ?? '<anonymous>'}` : '<anonymous>');
  return site.isAsync() ? `async ${method}` : method;
}

/** The require hook's own frames, between Node's module loader and the user's module. */
const HOOK_CODE = path.dirname(require.resolve('pirates')) + path.sep;

/**
 * Frames as CONTRACT.md writes them, `fn (path:line:column)`, innermost first: the program's own,
 * not asyncrace's, its require hook's nor Node's. `top`: the innermost frame's exact site, known
 * from the site table (the frame's own column is that of the runtime call on an instrumented line).
 */
export function formatStack(stack: CapturedStack | undefined, top?: string): string[] {
  const frames: string[] = [];
  for (const site of stack ?? []) {
    let file = site.getFileName() ?? site.getScriptNameOrSourceURL();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!file || line === null || column === null || file.startsWith('node:')) continue;
    if (file.startsWith('file:')) file = fileURLToPath(file);
    if (isOwnCode(file) || file.startsWith(HOOK_CODE)) continue;
    frames.push(`${functionName(site)} (${frames.length === 0 && top ? top : position(file, line, column)})`);
  }
  return frames;
}
