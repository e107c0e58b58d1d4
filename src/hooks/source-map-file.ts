import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

/**
 * The source map a compiled file names in its last `//# sourceMappingURL=` comment, as JSON text:
 * inline (a `data:` URL) or a file beside it. Null when there is none or it cannot be read.
 */
export function readSourceMap(file: string, code: string = fs.readFileSync(file, 'utf8')): string | null {
  try {
    const url = MAP_COMMENT.exec(code)?.[1];
    if (!url) return null;
    if (url.startsWith('data:')) {
      const data = url.slice(url.indexOf(',') + 1);
      return url.includes(';base64,') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
    }
    return fs.readFileSync(path.resolve(path.dirname(file), decodeURIComponent(url)), 'utf8');
  } catch {
    return null;
  }
}

/** The path of a source a map of `generated` names: a `file:` URL, or relative to the generated file. */
export function mappedSourcePath(generated: string, source: string): string {
  return source.startsWith('file:') ? fileURLToPath(source) : path.resolve(path.dirname(generated), source);
}
