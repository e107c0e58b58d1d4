import { addHook } from 'pirates';
import { userFileMatcher } from './files';
import { instrumentSource } from './transform';

/**
 * `node --require asyncrace/register app.js`: instruments every CommonJS module of the user's that
 * is loaded afterwards. Requiring it twice (NODE_OPTIONS plus a flag) installs one hook.
 */
const KEY = Symbol.for('asyncrace.register');
const holder = globalThis as typeof globalThis & { [KEY]?: boolean };

if (!holder[KEY]) {
  holder[KEY] = true;
  addHook(instrumentSource, { exts: ['.js', '.cjs'], matcher: userFileMatcher(), ignoreNodeModules: true });
}
