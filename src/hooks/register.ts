import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort } from 'node:worker_threads';
import { addHook } from 'pirates';
import { wireTestRunnerCli } from '../runners/runner-cli';
import { userFileMatcher } from './files';
import { followProcessesAndThreads } from './processes';
import { installSyncHooks, registerHooksApi } from './sync-hooks';
import { instrumentSource } from './transform';

/**
 * `node --require asyncrace/register app.js` or `node --import asyncrace/register app.mjs`:
 * instruments every module of the user's loaded afterwards. On Node.js >= 22.15 / 23.5 through
 * `module.registerHooks` (sync-hooks.ts: synchronous, on this thread, for require and import); on
 * Node 20 CommonJS through a require hook and ES modules through `module.register` loader hooks.
 * Worker threads and child processes get the hook too (processes.ts). Loading it twice
 * (NODE_OPTIONS plus a flag) installs the hooks once per thread.
 */
const KEY = Symbol.for('asyncrace.register');
const holder = globalThis as typeof globalThis & { [KEY]?: boolean };

// Node runs --require preloads on the loader hooks' own thread too (no parentPort there, unlike a
// Worker): hooking there would transform every ES module a second time.
const onHooksThread = !isMainThread && parentPort === null;

if (!holder[KEY] && !onHooksThread) {
  holder[KEY] = true;
  // Node >= 22.15 / 23.5: synchronous hooks on this thread cover require and import alike.
  // Node 20: a require hook for CommonJS, loader hooks (on their own thread) for ES modules.
  const registerHooks = registerHooksApi();
  if (registerHooks) {
    installSyncHooks(registerHooks);
  } else {
    addHook(instrumentSource, { exts: ['.js', '.cjs', '.ts', '.cts'], matcher: userFileMatcher(), ignoreNodeModules: false });
    nodeModule.register(pathToFileURL(require.resolve('./esm-loader')).href);
  }
  followProcessesAndThreads();
  // jest's and vitest's CLIs load the user's files past these hooks: their config gets asyncrace instead.
  wireTestRunnerCli();
  // node:test's test-file processes: with --fail-on-race, a test that raced fails. Loaded here, not
  // above: it loads the runtime, which the loader hooks' thread must not get.
  (require('../runners/node-test') as typeof import('../runners/node-test')).wireNodeTest();
}
