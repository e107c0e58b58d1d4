import * as fs from 'node:fs';
import * as os from 'node:os';
import { isMainThread, threadId } from 'node:worker_threads';
import pino from 'pino';
import type { LogTarget } from '../config';

/**
 * The fields of every line CONTRACT.md fixes beyond pino's defaults (level numbers, `time`, `pid`,
 * `hostname`). A Worker thread's lines also carry its `threadId`: threads share their process's pid,
 * and `asyncrace report` tells their counts lines apart by it.
 */
const OPTIONS: pino.LoggerOptions = isMainThread ? { name: 'asyncrace' } : { name: 'asyncrace', base: { pid: process.pid, hostname: os.hostname(), threadId } };

/**
 * The pino logger reports are written with. Writes are synchronous: an asynchronous destination
 * would create async resources in the very program being watched, and would lose buffered lines
 * on `process.exit()` or a crash. Races are rare, so this costs little.
 */
export function createLogger(target: LogTarget): pino.Logger {
  const fd = target.kind === 'fd' ? target.fd : fs.openSync(target.path, 'a');
  return pino(OPTIONS, pino.destination({ dest: fd, sync: true }));
}

/**
 * The stream a pino logger writes to (its destination, a multistream, a transport), found by the
 * symbol's description: the application's pino may be another copy than asyncrace's, with symbols
 * of its own.
 */
function streamOf(logger: unknown): pino.DestinationStream | undefined {
  for (let o = logger; typeof o === 'object' && o !== null; o = Object.getPrototypeOf(o)) {
    for (const symbol of Object.getOwnPropertySymbols(o)) {
      if (symbol.description === 'pino.stream') return (o as Record<symbol, pino.DestinationStream>)[symbol];
    }
  }
  return undefined;
}

/**
 * Reports into the application's own pino logger: into its stream, so they go wherever its lines
 * go (its file, its transports), by a logger of asyncrace's own. A child logger would not do: a
 * child's `name` binding is written after its parent's, giving a line with two `name` keys, and the
 * application's level, formatters (level labels) or `base` (no pid) would bend lines CONTRACT.md
 * fixes.
 */
export function loggerOnStream(appLogger: unknown): pino.Logger {
  const stream = streamOf(appLogger);
  if (stream === undefined) throw new TypeError('asyncrace.configure: logger must be a pino logger');
  return pino(OPTIONS, stream);
}

/**
 * Writes out what the logger's stream still buffers, before a signal ends the process: an
 * asynchronous destination (sonic-boom, a transport) would otherwise lose it.
 */
export function flushLogger(logger: pino.Logger): void {
  const stream = streamOf(logger) as { flushSync?: () => void } | undefined;
  stream?.flushSync?.();
}
