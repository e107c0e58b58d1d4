import type * as Babel from '@babel/core';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How Node.js loads a file: CommonJS through `require`, or as an ES module. */
export type ModuleFormat = 'commonjs' | 'module';

/** The TypeScript files the hooks strip types from: Node.js 20 cannot run them by itself. */
export const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];

export function isTypeScript(filename: string): boolean {
  return TYPESCRIPT_EXTENSIONS.includes(path.extname(filename));
}

/**
 * Options of `@babel/preset-typescript`, chosen to behave as the JavaScript `tsc` emits for Node.js:
 * - `allowDeclareFields`: a `declare` field is removed and any other field is kept (initialised to
 *   `undefined`), as tsc does for ES2022 targets; without it Babel 7 rejects `declare` fields.
 * - `onlyRemoveTypeImports` stays off: like tsc, an import used only as a type is dropped even
 *   without `import type`, or Node.js would fail looking for an export that exists only as a type.
 * - `rewriteImportExtensions` stays off: the hooks run `.ts` files themselves, so `import './x.ts'`
 *   must still name `x.ts`.
 */
export const PRESET_OPTIONS = { allowDeclareFields: true } as const;

/**
 * Whether a TypeScript file is an ES module, by the rules Node.js applies to the JavaScript it stands
 * for: `.mts` is, `.cts` is not, and a `.ts` file follows the `type` of the nearest package.json, or,
 * when that says nothing, its own syntax (Node.js >= 20.19 detects module syntax in a `.js` file).
 */
export function typeScriptFormat(filename: string, code: string, babel: typeof Babel): ModuleFormat {
  const extension = path.extname(filename);
  if (extension === '.mts') return 'module';
  if (extension === '.cts') return 'commonjs';
  return packageType(path.dirname(filename)) ?? (hasModuleSyntax(code, filename, babel) ? 'module' : 'commonjs');
}

/** The `type` of the nearest package.json, read once per directory. */
const packageTypes = new Map<string, ModuleFormat | undefined>();
function packageType(dir: string): ModuleFormat | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: ModuleFormat | undefined;
  const file = path.join(dir, 'package.json');
  if (fs.existsSync(file)) {
    try {
      const declared: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))?.type;
      type = declared === 'module' ? 'module' : declared === 'commonjs' ? 'commonjs' : undefined;
    } catch {
      // Node.js itself reports a package.json it cannot parse, when it loads the file.
    }
  } else if (path.dirname(dir) !== dir) {
    type = packageType(path.dirname(dir));
  }
  packageTypes.set(dir, type);
  return type;
}

/**
 * Syntax only an ES module has, left once types are stripped: a value import or export (not
 * `import type`, nor TypeScript's CommonJS forms `import x = require()` and `export =`),
 * `import.meta`, or a top-level `await`. A file Babel cannot parse counts as CommonJS: the transform
 * then leaves it as it is and Node.js reports the syntax error.
 */
function hasModuleSyntax(code: string, filename: string, babel: typeof Babel): boolean {
  let ast: Babel.types.File | null;
  try {
    ast = babel.parseSync(code, { filename, babelrc: false, configFile: false, sourceType: 'module', presets: [require.resolve('@babel/preset-typescript')] });
  } catch {
    return false;
  }
  if (!ast) return false;
  const declaresModule = ast.program.body.some(
    (statement) =>
      (statement.type === 'ImportDeclaration' && statement.importKind !== 'type') ||
      ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportAllDeclaration') && statement.exportKind !== 'type') ||
      statement.type === 'ExportDefaultDeclaration',
  );
  if (declaresModule) return true;
  let found = false;
  babel.traverse(ast, {
    Function: (fn) => fn.skip(),
    'MetaProperty|AwaitExpression|ForOfStatement'(node) {
      if (node.isMetaProperty() && node.node.meta.name !== 'import') return;
      if (node.isForOfStatement() && !node.node.await) return;
      found = true;
      node.stop();
    },
  });
  return found;
}
