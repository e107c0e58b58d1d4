import { createRuntime, type Runtime } from './create';

/**
 * The runtime instrumented code loads. One instance per process, even when several copies of the
 * package are loaded (a hook's own copy and the project's `node_modules` one): tasks and versions
 * must be shared by all instrumented code.
 */
const KEY = Symbol.for('asyncrace.runtime');
const holder = globalThis as typeof globalThis & { [KEY]?: Runtime };
const runtime: Runtime = (holder[KEY] ??= createRuntime());

export const { m, c, v, w, k, g, lp, ls, le, wp, we, kp, ke, f, h, tr, tw, pa, tp, kf, cf, s, e, a, r, x, l } = runtime;
export default runtime;
