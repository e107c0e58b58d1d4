import * as fs from 'node:fs';
import pino from 'pino';
import type { LogTarget } from '../config';

/**
 * The pino logger reports are written with. Writes are synchronous: an asynchronous destination
 * would create async resources in the very program being watched, and would lose buffered lines
 * on `process.exit()` or a crash. Races are rare, so this costs little.
 */
export function createLogger(target: LogTarget): pino.Logger {
  const fd = target.kind === 'fd' ? target.fd : fs.openSync(target.path, 'a');
  return pino({ name: 'asyncrace' }, pino.destination({ dest: fd, sync: true }));
}
