import { userFileMatcher } from '../hooks/files';
import { transformFingerprint } from '../hooks/fingerprint';
import { isOwnCode } from '../hooks/own-code';

/**
 * `asyncrace/jest/transformer`: babel-jest (so the project's own Babel config still applies) with
 * asyncrace's Babel plugin added for the files asyncrace instruments (the same selection as
 * `register`: include/exclude globs, never `node_modules`). asyncrace's own files pass through
 * untouched even when jest would transform them (a linked install is not under `node_modules`):
 * an instrumented runtime crashes.
 * babel-jest is a peer: the one the project's jest installed.
 */
type Options = Record<string, unknown>;
interface Transformed { code: string; map?: unknown }
interface BabelJestTransformer {
  process(source: string, file: string, options: Options): Transformed;
  processAsync(source: string, file: string, options: Options): Promise<Transformed>;
  getCacheKey(source: string, file: string, options: Options): string;
  getCacheKeyAsync(source: string, file: string, options: Options): Promise<string>;
}

const RUNTIME = require.resolve('../runtime');
const PLUGIN = require.resolve('../../babel-plugin');

/**
 * What a jest cache key needs beyond the transformer's own: instrumented code loads this copy's
 * runtime by its path, and depends on the transform's fingerprint (version, plugin code, Babel
 * versions); asyncrace's own files are passed through untouched.
 */
export function cacheKeySalt(isUserFile: (file: string) => boolean, file: string): string {
  return isUserFile(file) ? `\0asyncrace:${transformFingerprint()}:${RUNTIME}` : isOwnCode(file) ? '\0asyncrace:own' : '';
}

export function createTransformer(babelOptions: Options = {}): BabelJestTransformer & { canInstrument: boolean } {
  const babelJest = require('babel-jest') as { createTransformer(options: Options): BabelJestTransformer };
  const plain = babelJest.createTransformer(babelOptions);
  const userPlugins = Array.isArray(babelOptions.plugins) ? babelOptions.plugins : [];
  // retainLines: the stacks asyncrace records are of the code jest runs, not mapped back through jest's
  // in-memory source maps; keeping every statement on its line keeps their line numbers the user's.
  const instrumented = babelJest.createTransformer({ retainLines: true, ...babelOptions, plugins: [...userPlugins, [PLUGIN, { runtime: RUNTIME }]] });
  const isUserFile = userFileMatcher();
  const pick = (file: string): BabelJestTransformer => (isUserFile(file) ? instrumented : plain);
  const saltOf = (file: string): string => cacheKeySalt(isUserFile, file);
  return {
    canInstrument: true,
    process: (source, file, options) => (isOwnCode(file) ? { code: source } : pick(file).process(source, file, options)),
    processAsync: async (source, file, options) => (isOwnCode(file) ? { code: source } : pick(file).processAsync(source, file, options)),
    // babel-jest's key covers the Babel options (ours included); the salt covers what they only name.
    getCacheKey: (source, file, options) => pick(file).getCacheKey(source, file, options) + saltOf(file),
    getCacheKeyAsync: async (source, file, options) => (await pick(file).getCacheKeyAsync(source, file, options)) + saltOf(file),
  };
}

/** jest takes a CommonJS module's `default` when it has one (as babel-jest's own is shaped). */
export default { createTransformer };
