import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort } from 'node:worker_threads';
import { addHook } from 'pirates';
import { userFileMatcher } from './files';
import { instrumentSource } from './transform';

/**
 * `node --require asyncrace/register app.js` or `node --import asyncrace/register app.mjs`:
 * instruments every module of the user's loaded afterwards, CommonJS through a require hook and ES
 * modules through `module.register` loader hooks. Loading it twice (NODE_OPTIONS plus a flag)
 * installs the hooks once.
 */
const KEY = Symbol.for('asyncrace.register');
const holder = globalThis as typeof globalThis & { [KEY]?: boolean };

// Node runs --require preloads on the loader hooks' own thread too (no parentPort there, unlike a
// Worker): hooking there would transform every ES module a second time.
const onHooksThread = !isMainThread && parentPort === null;

if (!holder[KEY] && !onHooksThread) {
  holder[KEY] = true;
  addHook(instrumentSource, { exts: ['.js', '.cjs'], matcher: userFileMatcher(), ignoreNodeModules: false });
  nodeModule.register(pathToFileURL(require.resolve('./esm-loader')).href);
}
