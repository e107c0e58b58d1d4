import type * as Babel from '@babel/core';
import { pathToFileURL } from 'node:url';
import { cached } from './cache';
import { readSourceMap } from './source-map-file';
import { transformFingerprint } from './fingerprint';
import { decoratorMode, decoratorPlugins, isMissingDecorators, isTypeScript, PRESET_OPTIONS, typeScriptFormat, type DecoratorMode, type ModuleFormat } from './typescript';

export type { ModuleFormat };

/** The runtime this copy of asyncrace ships: instrumented code loads exactly this file. */
const RUNTIME = require.resolve('../runtime');

/**
 * Babel and the plugin load on the first file to instrument, not with the hook: `asyncrace run` puts
 * the hook in every Node.js process (npm, npx, the test runner's own), most of which never load a
 * file of the user's; and a start served from the transform cache never loads them.
 */
let babel: { core: typeof Babel; plugin: unknown } | undefined;
function loadBabel(): NonNullable<typeof babel> {
  babel ??= { core: require('@babel/core') as typeof Babel, plugin: require('../../babel-plugin') };
  return babel;
}

/** A module instrumented, and how Node.js must run it. */
export interface Instrumented {
  code: string;
  format: ModuleFormat;
}

/**
 * Instruments one file, from the transform cache when the same source, file, format and transform
 * were seen before. Without a `format`, a JavaScript file is CommonJS (what the require hook loads)
 * and a TypeScript file's format is worked out as Node.js would for its JavaScript.
 */
export function instrument(code: string, filename: string, format?: ModuleFormat): Instrumented {
  const options = JSON.stringify([pluginOptions(false), pluginOptions(true), PRESET_OPTIONS]);
  // Sites of compiled code come from its source map: a rebuilt map must not be served a stale entry.
  const sourceMap = readSourceMap(filename, code) ?? '';
  // How a TypeScript file's decorators compile depends on its tsconfig.json, not only on its source.
  const decorators = isTypeScript(filename) ? decoratorMode(filename) : undefined;
  return cached([transformFingerprint(), options, filename, format ?? 'unknown', decorators ?? '', code, sourceMap], () => {
    const resolved = format ?? (isTypeScript(filename) ? typeScriptFormat(filename, code, loadBabel().core) : 'commonjs');
    return { code: transform(code, filename, resolved, decorators), format: resolved };
  });
}

/** `instrument`'s code alone: what the require hook needs. */
export function instrumentSource(code: string, filename: string, format?: ModuleFormat): string {
  return instrument(code, filename, format).code;
}

/**
 * Instruments one file's source. `retainLines` keeps every statement on its original line, so the
 * program's own stack traces and error messages still point at the lines the user wrote. On top of
 * that, Babel's `experimental_preserveFormat` prints every node the plugin did not change from the
 * original text (it needs the parser's tokens), so a line the instrumentation did not touch comes out
 * byte for byte as written: its columns in stack traces, and the `Function.prototype.toString()` of
 * functions the plugin left alone, stay the user's. (Its `createParenthesizedExpressions` parser
 * option is not used: the plugin does not know ParenthesizedExpression nodes; parentheses are kept
 * from `extra.parenthesized` instead.) The option is experimental, so if generating with it throws,
 * the file is generated once more in Babel's own format. A file Babel cannot parse is returned as it
 * is: Node then reports its own SyntaxError for it.
 *
 * A TypeScript file with decorators (`decorators` says how tsc compiles them) fails the first parse,
 * which has no decorator syntax: it is transformed again with the decorator transforms, after the
 * plugin, so the plugin still instruments the code as written. Only such files pay for them: loading
 * and running the transforms, and the failed parse. Decorators in a JavaScript file are left alone,
 * as Node.js cannot run them either.
 */
function transform(code: string, filename: string, format: ModuleFormat, decorators?: DecoratorMode, withDecorators = false): string {
  const { core, plugin } = loadBabel();
  const esm = format === 'module';
  const typescript = isTypeScript(filename);
  const run = (preserveFormat: boolean) =>
    core.transformSync(code, {
      filename,
      babelrc: false,
      configFile: false,
      // TypeScript's CommonJS forms (`import x = require()`, `export =`) parse only in a module.
      sourceType: esm || typescript ? 'module' : 'script',
      retainLines: true,
      compact: false,
      parserOpts: { allowReturnOutsideFunction: !esm, tokens: preserveFormat },
      // Not in @types/babel__core's GeneratorOptions yet.
      generatorOpts: { experimental_preserveFormat: preserveFormat } as Babel.GeneratorOptions,
      plugins: [[plugin, pluginOptions(esm)], ...(withDecorators && decorators ? decoratorPlugins(decorators) : [])],
      // Types are stripped after the plugin instrumented the file as written (it works in
      // Program.enter), so its sites keep the lines and columns of the .ts source.
      presets: typescript ? [[require.resolve('@babel/preset-typescript'), PRESET_OPTIONS]] : [],
    });
  let result;
  try {
    result = run(true);
  } catch (error) {
    if (decorators && !withDecorators && isMissingDecorators(error)) return transform(code, filename, format, decorators, true);
    if (isParseError(error)) return code;
    try {
      result = run(false);
    } catch {
      return code;
    }
  }
  return result?.code ?? code;
}

/** Babel's parser failed: generating in another format would fail the same way. */
function isParseError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'BABEL_PARSE_ERROR';
}

function pluginOptions(esm: boolean): { runtime: string; moduleType: 'esm' | 'cjs' } {
  return { runtime: esm ? pathToFileURL(RUNTIME).href : RUNTIME, moduleType: esm ? 'esm' : 'cjs' };
}
