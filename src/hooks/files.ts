import * as path from 'node:path';

/** asyncrace's own compiled code: never instrumented, wherever the package lives. */
const OWN_CODE = path.resolve(__dirname, '..', '..') + path.sep;

export function isOwnCode(filename: string): boolean {
  return filename.startsWith(OWN_CODE);
}

/**
 * Which files are the user's own: those under the working directory, outside `node_modules`
 * and outside asyncrace itself.
 */
export function userFileMatcher(root: string = process.cwd()): (filename: string) => boolean {
  return (filename) => {
    const relative = path.relative(root, filename);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
    if (filename.split(path.sep).includes('node_modules')) return false;
    return !isOwnCode(filename);
  };
}
