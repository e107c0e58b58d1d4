import type * as Babel from '@babel/core';
import { pathToFileURL } from 'node:url';

/** The runtime this copy of asyncrace ships: instrumented code loads exactly this file. */
const RUNTIME = require.resolve('../runtime');

/** How Node.js loads a file: CommonJS through `require`, or as an ES module. */
export type ModuleFormat = 'commonjs' | 'module';

/**
 * Babel and the plugin load on the first file to instrument, not with the hook: `asyncrace run` puts
 * the hook in every Node.js process (npm, npx, the test runner's own), most of which never load a
 * file of the user's.
 */
let babel: { transformSync: typeof Babel.transformSync; plugin: unknown } | undefined;
function loadBabel(): NonNullable<typeof babel> {
  babel ??= { transformSync: (require('@babel/core') as typeof Babel).transformSync, plugin: require('../../babel-plugin') };
  return babel;
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
 */
export function instrumentSource(code: string, filename: string, format: ModuleFormat = 'commonjs'): string {
  const { transformSync, plugin } = loadBabel();
  const esm = format === 'module';
  const transform = (preserveFormat: boolean) =>
    transformSync(code, {
      filename,
      babelrc: false,
      configFile: false,
      sourceType: esm ? 'module' : 'script',
      retainLines: true,
      compact: false,
      parserOpts: { allowReturnOutsideFunction: !esm, tokens: preserveFormat },
      // Not in @types/babel__core's GeneratorOptions yet.
      generatorOpts: { experimental_preserveFormat: preserveFormat } as Babel.GeneratorOptions,
      plugins: [[plugin, { runtime: esm ? pathToFileURL(RUNTIME).href : RUNTIME, moduleType: esm ? 'esm' : 'cjs' }]],
    });
  let result;
  try {
    result = transform(true);
  } catch (error) {
    if (isParseError(error)) return code;
    try {
      result = transform(false);
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
