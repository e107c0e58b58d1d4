import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { ENV } from '../config';

/**
 * The on-disk transform cache: one file per transformed module, named by the sha256 of everything
 * the output depends on, so a second start skips Babel entirely (loading it alone costs more than
 * most programs' start). Entries are written to a temporary file in the same directory and renamed
 * into place: a rename is atomic, so parallel processes (test-runner workers) either see a whole
 * entry or none. The cache only saves time: any failure to read or write it falls back to
 * transforming.
 */

/** The directory entries go in, decided once per process; null when the cache is off. */
let directory: string | null | undefined;

/**
 * `node_modules/.cache/asyncrace` of the project (the nearest directory from the working directory
 * that has a package.json, as babel-loader and nyc choose), else of the working directory; the
 * system's temporary directory when neither can be written. Off when `ASYNCRACE_CACHE=0`.
 */
export function cacheDirectory(): string | null {
  if (directory !== undefined) return directory;
  directory = null;
  if (process.env[ENV.cache] === '0') return directory;
  const candidates = [path.join(projectRoot(process.cwd()), 'node_modules', '.cache', 'asyncrace'), path.join(os.tmpdir(), 'asyncrace-cache')];
  for (const candidate of candidates) {
    try {
      fs.mkdirSync(candidate, { recursive: true });
      fs.accessSync(candidate, fs.constants.W_OK);
      directory = candidate;
      break;
    } catch {
      // Not writable here (read-only checkout, `node_modules` a file...): try the next place.
    }
  }
  return directory;
}

function projectRoot(cwd: string): string {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return cwd;
  }
}

/** The entry's key: the sha256 of every part, each prefixed by its length so no two lists collide. */
export function cacheKey(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('hex');
}

/**
 * The value cached under `parts`, else `compute()`'s, stored for the next process. An entry holds the
 * key it was written for: one that does not parse or names another key (a torn or foreign file) is
 * ignored and rewritten.
 */
export function cached<T>(parts: readonly string[], compute: () => T): T {
  const dir = cacheDirectory();
  if (dir === null) return compute();
  const key = cacheKey(parts);
  const file = path.join(dir, `${key}.json`);
  try {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { key?: unknown; value?: T };
    if (entry.key === key && entry.value !== undefined) return entry.value;
  } catch {
    // No entry yet, or an unreadable one: computed and written below.
  }
  const value = compute();
  const temporary = `${file}.${process.pid}.${threadId}.tmp`;
  try {
    fs.writeFileSync(temporary, JSON.stringify({ key, value }));
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
  return value;
}
