import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import picomatch from 'picomatch';
import { readFileSelection } from '../config';
import { isOwnCode } from './own-code';

type Glob = (relative: string) => boolean;

function anyOf(globs: string[]): Glob | null {
  const matchers = globs.map((glob) => picomatch(glob, { dot: true }));
  return matchers.length > 0 ? (relative) => matchers.some((match) => match(relative)) : null;
}

/**
 * Which files are the user's own, to instrument. Globs are matched against the path relative to
 * `root` (the working directory), with `/`. By default: every file under `root`. With include
 * globs: the files they match (outside `root` too, `../shared/**`). Exclude globs always win. A file
 * under `node_modules` only when an include glob that names `node_modules` matches it; asyncrace's
 * own code never.
 */
export function userFileMatcher(root: string = process.cwd(), selection = readFileSelection()): (filename: string) => boolean {
  // Said once, by the main thread (the ES module hooks' thread builds a matcher of its own).
  if (isMainThread) for (const problem of selection.problems) process.stderr.write(`asyncrace: ignoring ${problem}\n`);
  const include = anyOf(selection.include);
  const includeModules = anyOf(selection.include.filter((glob) => glob.includes('node_modules')));
  const exclude = anyOf(selection.exclude);
  return (filename) => {
    if (isOwnCode(filename)) return false;
    const relative = path.relative(root, filename).split(path.sep).join('/');
    if (exclude?.(relative)) return false;
    if (relative.split('/').includes('node_modules')) return includeModules?.(relative) ?? false;
    if (include) return include(relative);
    return !relative.startsWith('../') && !path.isAbsolute(relative);
  };
}
