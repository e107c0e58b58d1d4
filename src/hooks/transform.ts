import { transformSync } from '@babel/core';
import asyncracePlugin from '../../babel-plugin';

/** The runtime this copy of asyncrace ships: instrumented code loads exactly this file. */
const RUNTIME = require.resolve('../runtime');

/**
 * Instruments one file's source. `retainLines` keeps every statement on its original line, so the
 * program's own stack traces and error messages still point at the lines the user wrote. A file
 * Babel cannot parse is returned as it is: Node then reports its own SyntaxError for it.
 */
export function instrumentSource(code: string, filename: string): string {
  let result;
  try {
    result = transformSync(code, {
      filename,
      babelrc: false,
      configFile: false,
      sourceType: 'unambiguous',
      retainLines: true,
      compact: false,
      parserOpts: { allowReturnOutsideFunction: true },
      plugins: [[asyncracePlugin, { runtime: RUNTIME }]],
    });
  } catch {
    return code;
  }
  return result?.code ?? code;
}
