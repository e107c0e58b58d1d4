import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { userFileMatcher } from './files';
import { EXTENSIONS, instrumentForNode, typeScriptSpecifier } from './formats';

/**
 * The hooks for Node.js >= 22.15 / 23.5: `module.registerHooks` runs synchronous `resolve` and `load`
 * hooks on the thread that loads the module, for `require` and `import` alike. No loader-hooks
 * thread is started and no require hook (pirates) is needed; a Worker thread that loads the register
 * file installs its own.
 */
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}
interface HookContext {
  format?: string | null;
  [key: string]: unknown;
}
type NextResolve = (specifier: string, context?: HookContext) => ResolveResult;
type NextLoad = (url: string, context?: HookContext) => LoadResult;
export type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: HookContext, nextResolve: NextResolve) => ResolveResult;
  load?: (url: string, context: HookContext, nextLoad: NextLoad) => LoadResult;
}) => unknown;

/** `module.registerHooks` where this Node.js has it. */
export function registerHooksApi(): RegisterHooks | undefined {
  const api = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  return typeof api === 'function' ? api : undefined;
}

/** `import './x.js'` (or `require`) naming `x.ts`, as in the Node 20 loader's resolve hook. */
function resolve(specifier: string, context: HookContext, nextResolve: NextResolve): ResolveResult {
  try {
    return nextResolve(specifier, context);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const alternative = typeScriptSpecifier(specifier);
    if ((code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') || alternative === undefined) throw error;
    try {
      return nextResolve(alternative, context);
    } catch {
      throw error;
    }
  }
}

function makeLoad(isUserFile: (filename: string) => boolean) {
  return function load(url: string, context: HookContext, nextLoad: NextLoad): LoadResult {
    const filename = url.startsWith('file:') ? fileURLToPath(url) : undefined;
    if (filename === undefined || !EXTENSIONS.includes(path.extname(filename)) || !isUserFile(filename)) return nextLoad(url, context);
    // Node 22.15–22.17 knows no format for a TypeScript file: its source is read as a module's.
    const typescript = /\.[cm]?ts$/.test(filename);
    const result = nextLoad(url, typescript ? { ...context, format: 'module' } : context);
    if (result.source == null) return result;
    const instrumented = instrumentForNode(toText(result.source), filename, typescript ? undefined : result.format);
    if (!instrumented) return result;
    return { ...result, format: instrumented.format, source: instrumented.code, shortCircuit: true };
  };
}

function toText(source: string | ArrayBuffer | ArrayBufferView): string {
  if (typeof source === 'string') return source;
  if (ArrayBuffer.isView(source)) return Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('utf8');
  return Buffer.from(source).toString('utf8');
}

/** Installs the hooks on this thread. */
export function installSyncHooks(registerHooks: RegisterHooks): void {
  registerHooks({ resolve, load: makeLoad(userFileMatcher()) });
}
