import type { ConfigAPI, PluginObj, types as BabelTypes } from '@babel/core';
import { instrumentProgram } from './instrument';

interface AsyncracePluginOptions {
  /** Where instrumented code loads the runtime from (default `asyncrace/runtime`). */
  runtime?: string;
  /**
   * Whether the file is an ES module (`esm`, loads the runtime with `import`) or CommonJS (`cjs`,
   * with `require`). Hosts that know say so; by default the file's own syntax decides.
   */
  moduleType?: 'esm' | 'cjs';
}

type PluginApi = ConfigAPI & { types: typeof BabelTypes };

/**
 * The asyncrace Babel plugin: a thin adapter that hands each file to `instrumentProgram`. It works in
 * `Program.enter` with a nested traversal, so it sees the code as written, before other plugins
 * (TypeScript stripping, module transforms) change it.
 */
function asyncracePlugin(api: PluginApi, options: AsyncracePluginOptions = {}): PluginObj {
  api.assertVersion('^7.0.0 || ^8.0.0-beta.1');
  const runtime = options.runtime ?? 'asyncrace/runtime';
  return {
    name: 'asyncrace',
    visitor: {
      Program(path, state) {
        instrumentProgram(path, {
          t: api.types,
          runtime,
          moduleType: options.moduleType,
          filename: state.filename ?? 'unknown',
          inputSourceMap: (state.file as { inputMap?: { toObject(): unknown } | null }).inputMap?.toObject(),
        });
      },
    },
  };
}

declare namespace asyncracePlugin {
  export type Options = AsyncracePluginOptions;
}

export = asyncracePlugin;
