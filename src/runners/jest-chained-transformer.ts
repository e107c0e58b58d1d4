import { createHash } from 'node:crypto';
import { userFileMatcher } from '../hooks/files';
import { isOwnCode } from '../hooks/own-code';
import { instrument } from '../hooks/transform';
import { cacheKeySalt } from './jest-transformer';

/**
 * The `transform` entry `asyncrace run -- jest` puts in place of a project's own transformer (other
 * than babel-jest), and for files no entry of the project covers (jest-config.ts): the project's
 * transformer runs as it would, then asyncrace instruments its output, for the files asyncrace
 * instruments; with no transformer, the file itself is instrumented. A source map the transformer
 * returns goes inline into its output, where asyncrace's Babel plugin finds it (sites stay in the
 * original source) and jest too (stack traces).
 */
type Options = Record<string, unknown>;
type Output = string | { code: string; map?: unknown };
interface Transformer {
  canInstrument?: boolean;
  process?(source: string, file: string, options: Options): Output;
  processAsync?(source: string, file: string, options: Options): Promise<Output>;
  getCacheKey?(source: string, file: string, options: Options): string;
  getCacheKeyAsync?(source: string, file: string, options: Options): Promise<string>;
  createTransformer?(options: Options): Transformer | Promise<Transformer>;
}
interface ChainConfig {
  /** The project's transformer, resolved; none: instrument only. */
  transformer?: string;
  options?: Options;
}

/** A transformer module as jest takes it: the module, or its default export; made by its factory if it has one. */
async function load(file: string, options: Options): Promise<Transformer> {
  const loaded = require(file) as Transformer & { default?: Transformer };
  const exported = loaded.process || loaded.processAsync || loaded.createTransformer ? loaded : loaded.default;
  if (!exported) throw new Error(`asyncrace: ${file} is not a jest transformer (no process, processAsync or createTransformer)`);
  return exported.createTransformer ? exported.createTransformer(options) : exported;
}

/** The transformer's output with its source map inline, as the last line (where readers look for it). */
function withInlineMap(output: Output): string {
  if (typeof output === 'string') return output;
  if (output.map === undefined || output.map === null || output.map === '') return output.code;
  const map = typeof output.map === 'string' ? output.map : JSON.stringify(output.map);
  return `${output.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(map).toString('base64')}`;
}

/** jest's own cache key for a transformer that has none: the source, the config, the file. */
function defaultCacheKey(source: string, file: string, options: Options): string {
  return createHash('sha1').update(source).update('\0').update(String(options.configString)).update('\0').update(options.instrument ? 'instrument' : '').update('\0').update(file).digest('hex');
}

export async function createTransformer(config: ChainConfig = {}) {
  const inner = config.transformer ? await load(config.transformer, config.options ?? {}) : undefined;
  const isUserFile = userFileMatcher();
  // The project's transformer gets its own options, as jest would give them.
  const innerOptions = (options: Options): Options => ({ ...options, transformerConfig: config.options ?? {} });
  const finish = (output: Output, file: string, options: Options) => {
    if (!isUserFile(file)) return typeof output === 'string' ? { code: output } : output;
    return { code: instrument(withInlineMap(output), file, options.supportsStaticESM ? 'module' : 'commonjs').code };
  };
  return {
    canInstrument: inner?.canInstrument ?? false,
    process(source: string, file: string, options: Options) {
      if (isOwnCode(file)) return { code: source };
      if (inner && !inner.process) throw new Error(`asyncrace: jest transformer ${config.transformer} has no synchronous process()`);
      return finish(inner ? inner.process!(source, file, innerOptions(options)) : source, file, options);
    },
    async processAsync(source: string, file: string, options: Options) {
      if (isOwnCode(file)) return { code: source };
      const output = inner?.processAsync ? inner.processAsync(source, file, innerOptions(options)) : inner?.process?.(source, file, innerOptions(options));
      return finish((await output) ?? source, file, options);
    },
    getCacheKey(source: string, file: string, options: Options): string {
      const key = inner?.getCacheKey ? inner.getCacheKey(source, file, innerOptions(options)) : defaultCacheKey(source, file, options);
      return key + cacheKeySalt(isUserFile, file);
    },
    async getCacheKeyAsync(source: string, file: string, options: Options): Promise<string> {
      const own = inner?.getCacheKeyAsync ? inner.getCacheKeyAsync(source, file, innerOptions(options)) : inner?.getCacheKey?.(source, file, innerOptions(options));
      const key = (await own) ?? defaultCacheKey(source, file, options);
      return key + cacheKeySalt(isUserFile, file);
    },
  };
}

/** jest takes a CommonJS module's `default` when it has one. */
export default { createTransformer };
