import { fileURLToPath } from 'node:url';
import { userFileMatcher } from './files';
import { instrumentSource } from './transform';

/**
 * The `load` hook `module.register` installs for ES modules. It runs on Node's hooks thread. Files
 * Node loads as CommonJS are left to the CommonJS loader, where the require hook sees them.
 */
interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: object) => Promise<LoadResult>;

const isUserFile = userFileMatcher();

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (result.format !== 'module' || !url.startsWith('file:') || result.source == null) return result;
  const filename = fileURLToPath(url);
  if (!isUserFile(filename)) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8');
  return { ...result, source: instrumentSource(source, filename, 'module') };
}
