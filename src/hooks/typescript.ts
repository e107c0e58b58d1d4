import type * as Babel from '@babel/core';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How Node.js loads a file: CommonJS through `require`, or as an ES module. */
export type ModuleFormat = 'commonjs' | 'module';

/** The TypeScript files the hooks strip types from: Node.js 20 cannot run them by itself. */
const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];

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
    ast = babel.parseSync(code, {
      filename,
      babelrc: false,
      configFile: false,
      sourceType: 'module',
      // Decorators of either kind parse with these: only the file's imports and exports matter here.
      parserOpts: { plugins: ['decorators', 'decoratorAutoAccessors'] },
      presets: [require.resolve('@babel/preset-typescript')],
    });
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

/**
 * How decorators in a TypeScript file are compiled, as tsc would from the nearest tsconfig.json:
 * `experimentalDecorators: true` gives TypeScript's legacy decorators, else the TC39 decorators tsc 5
 * emits (Babel's `2023-11` version). Legacy decorators on fields need Babel's class-features
 * transforms, whose `loose` mode assigns fields as tsc does when `useDefineForClassFields` is off
 * (`legacy-loose`); with it on (tsc's default from target ES2022), fields are defined.
 */
export type DecoratorMode = 'legacy' | 'legacy-loose' | '2023-11';

export function decoratorMode(filename: string): DecoratorMode {
  const options = tsconfigOptions(path.dirname(filename));
  if (options.experimentalDecorators !== true) return '2023-11';
  const target = typeof options.target === 'string' ? options.target.toLowerCase() : '';
  const defineFields = typeof options.useDefineForClassFields === 'boolean' ? options.useDefineForClassFields : target === 'esnext' || /^es20(2[2-9]|[3-9]\d)$/.test(target);
  return defineFields ? 'legacy' : 'legacy-loose';
}

type CompilerOptions = Record<string, unknown>;

/** The `compilerOptions` of the nearest tsconfig.json, read once per directory. */
const tsconfigs = new Map<string, CompilerOptions>();
function tsconfigOptions(dir: string): CompilerOptions {
  let options = tsconfigs.get(dir);
  if (options) return options;
  const file = path.join(dir, 'tsconfig.json');
  if (fs.existsSync(file)) options = readTsconfig(file, 0);
  else options = path.dirname(dir) !== dir ? tsconfigOptions(path.dirname(dir)) : {};
  tsconfigs.set(dir, options);
  return options;
}

/**
 * A tsconfig file's `compilerOptions`, over those of the files it `extends` by a relative path (a
 * package's base config, such as `@tsconfig/node20`, is not followed). An unreadable file counts as
 * empty: tsc itself reports it.
 */
function readTsconfig(file: string, depth: number): CompilerOptions {
  let config: { extends?: unknown; compilerOptions?: unknown };
  try {
    config = parseJsonc(fs.readFileSync(file, 'utf8')) as typeof config;
  } catch {
    return {};
  }
  if (config === null || typeof config !== 'object') return {};
  const bases = typeof config.extends === 'string' ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
  let options: CompilerOptions = {};
  for (const base of bases) {
    if (typeof base !== 'string' || !base.startsWith('.') || depth > 8) continue;
    const resolved = path.resolve(path.dirname(file), base);
    options = { ...options, ...readTsconfig(fs.existsSync(resolved) || resolved.endsWith('.json') ? resolved : `${resolved}.json`, depth + 1) };
  }
  const own = config.compilerOptions;
  return own !== null && typeof own === 'object' ? { ...options, ...(own as CompilerOptions) } : options;
}

/** JSON with the comments and trailing commas tsconfig files allow; strings are kept as they are. */
function parseJsonc(text: string): unknown {
  const stripped = text.replace(/^\uFEFF/, '').replace(/("(?:[^"\\\n]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_match, string: string | undefined) => string ?? ' ');
  return JSON.parse(stripped.replace(/("(?:[^"\\\n]|\\.)*")|,(\s*[}\]])/g, (match, string: string | undefined, close: string | undefined) => string ?? close ?? match));
}

/** The parser stopped at a decorator: its syntax was not enabled. */
export function isMissingDecorators(error: unknown): boolean {
  const missing = (error as { missingPlugin?: unknown } | null)?.missingPlugin;
  return (error as { code?: unknown } | null)?.code === 'BABEL_PARSE_ERROR' && Array.isArray(missing) && missing.includes('decorators');
}

/**
 * The transforms that compile decorators as tsc does (see `DecoratorMode`). Legacy decorators on
 * fields leave them to Babel's class-features transforms, which then take every field, private
 * method, `#x in` check and static block of the file (Babel requires them together, with one
 * `loose`). Babel's TypeScript transform rejects a definite field (`x!: T`) that a decorator gives a
 * value; tsc accepts it, so the `!` is dropped first: it only concerns type checking.
 */
export function decoratorPlugins(mode: DecoratorMode): Babel.PluginItem[] {
  const definiteDecoratedFields: Babel.PluginObj = {
    visitor: {
      Class(path) {
        for (const member of path.node.body.body) {
          if (member.type === 'ClassProperty' && member.definite && member.decorators?.length) member.definite = false;
        }
      },
    },
  };
  const plugins: Babel.PluginItem[] = [
    definiteDecoratedFields,
    [require.resolve('@babel/plugin-proposal-decorators'), { version: mode === '2023-11' ? '2023-11' : 'legacy' }],
  ];
  if (mode === '2023-11') return plugins;
  const loose = mode === 'legacy-loose';
  return [
    ...plugins,
    [require.resolve('@babel/plugin-transform-class-properties'), { loose }],
    [require.resolve('@babel/plugin-transform-private-methods'), { loose }],
    [require.resolve('@babel/plugin-transform-private-property-in-object'), { loose }],
    require.resolve('@babel/plugin-transform-class-static-block'),
  ];
}
