import * as path from 'node:path';

/** asyncrace's own compiled code: never instrumented, nor shown in a report's stacks, wherever the package lives. */
export const OWN_CODE = path.resolve(__dirname, '..', '..') + path.sep;

export function isOwnCode(filename: string): boolean {
  return filename.startsWith(OWN_CODE);
}
