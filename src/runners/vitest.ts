import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { userFileMatcher } from '../hooks/files';
import { OWN_CODE } from '../hooks/own-code';
import { instrument, type ModuleFormat } from '../hooks/transform';

/**
 * `asyncrace/vitest`: `plugins: [asyncrace()]` in vitest.config. vitest's module runner evaluates the
 * code Vite transformed itself, so Node's loader hooks (`asyncrace/register`, `asyncrace run`'s
 * NODE_OPTIONS) never see the user's files: this Vite plugin instruments them (the same selection as
 * `register`: include/exclude globs, never `node_modules` nor asyncrace's own code), before any other
 * plugin. Instrumented code loads this copy's runtime by its absolute path, kept external so Node
 * loads it (one runtime per worker: it lives on the worker's globalThis). The plugin also adds
 * vitest's `test.runner` (`asyncrace/vitest/runner`, which names the running test, `test.concurrent`
 * included) unless the project has a runner of its own, and a setup file that, with `--fail-on-race`
 * (`ASYNCRACE_FAIL_ON_RACE=1`), fails a test that raced in vitest's own output.
 */
interface VitePlugin {
  name: string;
  enforce: 'pre';
  config(config: { test?: { runner?: string } }): { test: Record<string, unknown> };
  resolveId(source: string): { id: string; external: true } | null;
  transform(code: string, id: string): { code: string; map: null } | null;
}

const RUNTIME = require.resolve('../runtime');
const RUNTIME_URL = pathToFileURL(RUNTIME).href;
const RUNNER = require.resolve('./vitest-runner');
const SETUP = require.resolve('./vitest-setup');

/** How the module runner will see a file: ESM unless its extension says CommonJS. */
function formatOf(file: string): ModuleFormat {
  return /\.c[jt]sx?$/.test(file) ? 'commonjs' : 'module';
}

function asyncrace(): VitePlugin {
  const isUserFile = userFileMatcher();
  return {
    name: 'asyncrace',
    enforce: 'pre',
    config(config) {
      const test: Record<string, unknown> = {
        setupFiles: [SETUP],
        // asyncrace's own modules run in Node itself, never through the module runner.
        server: { deps: { external: [RUNTIME, new RegExp(`^${OWN_CODE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)] } },
      };
      if (!config.test?.runner) test.runner = RUNNER;
      else process.stderr.write(`asyncrace: vitest's test.runner is the project's own (${config.test.runner}): races will not name their test\n`);
      return { test };
    },
    resolveId(source) {
      return source === RUNTIME || source === RUNTIME_URL ? { id: RUNTIME, external: true } : null;
    },
    transform(code, id) {
      const file = id.split('?')[0];
      // The same files `register` instruments (never asyncrace's own, node_modules only if included).
      if (!path.isAbsolute(file) || !isUserFile(file)) return null;
      return { code: instrument(code, file, formatOf(file)).code, map: null };
    },
  };
}

/**
 * `import asyncrace from 'asyncrace/vitest'` (Node gives an ES module a CommonJS module's exports as its
 * default), `import { asyncrace }` and `require('asyncrace/vitest')` all get the function.
 */
const plugin: typeof asyncrace & { asyncrace: typeof asyncrace; default: typeof asyncrace } = Object.assign(asyncrace, { asyncrace, default: asyncrace });
export = plugin;
