import { instrument, type Instrumented, type ModuleFormat } from './transform';
import { isTypeScript } from './typescript';

/**
 * Which format a file is instrumented as, from what Node's own loader said about it. Shared by the
 * hook paths so a file is instrumented the same way on every Node.js line:
 * - a TypeScript file: always by `instrument()`'s own rules (typescript.ts: `.mts`, `.cts`, else the
 *   nearest package.json's `type`, else the file's syntax), whatever Node says (Node 22.18+ says
 *   `module-typescript`/`commonjs-typescript`, 22.15–22.17 nothing) — as the Node 20 loader does;
 * - a JavaScript file: the format Node decided (`module`, `commonjs`); when it has not decided yet
 *   (the CommonJS loader gives a `.js` file with no package.json `type` no format: Node runs it as
 *   CommonJS unless it only parses as a module), CommonJS, or a module when the CommonJS parse
 *   failed and the module one does not — the detection Node does itself, and what happens on Node
 *   20 where the require hook's CommonJS parse fails and Node hands the file to the ES module loader.
 * `undefined`: nothing to do (another format: json, wasm, addon...; or the file did not parse and is
 * left to Node, which reports its own SyntaxError).
 */
export function instrumentForNode(code: string, filename: string, nodeFormat: string | null | undefined): Instrumented | undefined {
  if (isTypeScript(filename)) return instrument(code, filename);
  switch (nodeFormat) {
    case 'module':
    case 'commonjs':
      return changed(code, instrument(code, filename, nodeFormat));
    case undefined:
    case null:
      return changed(code, instrument(code, filename, 'commonjs')) ?? (MODULE_SYNTAX.test(code) ? changed(code, instrument(code, filename, 'module')) : undefined);
    default:
      return undefined;
  }
}

/** Words a CommonJS parse can fail on in a file that is a module: worth a second try as one. */
const MODULE_SYNTAX = /\b(?:import|export|await)\b/;

function changed(code: string, result: Instrumented): Instrumented | undefined {
  return result.code === code ? undefined : result;
}

export type { ModuleFormat };

/** A relative or absolute path naming a JavaScript file, as TypeScript's NodeNext imports do. */
const JAVASCRIPT_PATH = /^(?:\.{0,2}\/|file:).*\.([mc]?)js$/;

/**
 * `import './x.js'` in a TypeScript project names `x.ts` (TypeScript's NodeNext resolution): the same
 * path with `.ts` (`.mts`, `.cts` for `.mjs`, `.cjs`), to try when no `x.js` exists; else undefined.
 */
export function typeScriptSpecifier(specifier: string): string | undefined {
  const match = JAVASCRIPT_PATH.exec(specifier);
  return match ? `${specifier.slice(0, -match[1]!.length - 2)}${match[1]}ts` : undefined;
}

/** The extensions the hooks instrument. */
export const EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];
