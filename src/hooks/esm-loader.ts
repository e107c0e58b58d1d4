import { fileURLToPath } from 'node:url';
import { userFileMatcher } from './files';
import { typeScriptSpecifier } from './formats';
import { instrument } from './transform';
import { isTypeScript } from './typescript';

/**
 * The `resolve` and `load` hooks `module.register` installs for ES modules. They run on Node's hooks
 * thread. Files Node loads as CommonJS are left to the CommonJS loader, where the require hook sees
 * them.
 */
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: object) => Promise<ResolveResult>;

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: object) => Promise<LoadResult>;

const isUserFile = userFileMatcher();

/**
 * `import './x.js'` in a TypeScript project names `x.ts` (TypeScript's NodeNext resolution): when no
 * `x.js` exists, the same path with `.ts` (`.mts`, `.cts` for `.mjs`, `.cjs`) is tried.
 */
export async function resolve(specifier: string, context: object, nextResolve: NextResolve): Promise<ResolveResult> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const alternative = typeScriptSpecifier(specifier);
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' || alternative === undefined) throw error;
    try {
      return await nextResolve(alternative, context);
    } catch {
      throw error;
    }
  }
}

export async function load(url: string, context: { format?: string | null }, nextLoad: NextLoad): Promise<LoadResult> {
  const filename = url.startsWith('file:') ? fileURLToPath(url) : undefined;
  if (filename !== undefined && isTypeScript(filename) && isUserFile(filename)) return loadTypeScript(url, filename, context, nextLoad);
  const result = await nextLoad(url, context);
  if (result.format !== 'module' || filename === undefined || result.source == null) return result;
  if (!isUserFile(filename)) return result;
  return { ...result, source: instrument(toText(result.source), filename, 'module').code };
}

/**
 * Node.js 20 knows no format for a TypeScript file: its source is read as a module's would be, and
 * its format is the one of the JavaScript it stands for. A CommonJS one is handed to the CommonJS
 * loader (no source), where the require hook instruments it from the transform cache just filled.
 */
async function loadTypeScript(url: string, filename: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  const { source } = await nextLoad(url, { ...context, format: 'module' });
  const { code, format } = instrument(toText(source ?? ''), filename);
  if (format === 'commonjs') return { format, source: null, shortCircuit: true };
  return { format, source: code, shortCircuit: true };
}

function toText(source: string | ArrayBuffer | Uint8Array): string {
  return typeof source === 'string' ? source : Buffer.from(source as Uint8Array).toString('utf8');
}
