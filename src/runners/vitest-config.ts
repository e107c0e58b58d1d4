import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import asyncrace from './vitest';

/**
 * vitest's config under `asyncrace run -- vitest` (runner-cli.ts generates the `--config` file that
 * calls this): the project's own config file, found as vitest finds it (its `--config`, else the first
 * `vitest.config.*` then `vite.config.*` from `--root` or the working directory upwards) and loaded by
 * Vite as vitest would (function configs get vitest's `{ command, mode }`), with asyncrace's plugin
 * added (`asyncrace/vitest`), unless it has it already. Inline `test.projects` that do not extend the
 * root config get the plugin too; projects given by path have config files of their own, which
 * asyncrace does not reach (said in one line).
 */
type Plugin = { name?: string } | null | false | undefined | PromiseLike<unknown> | Plugin[];
interface Project {
  extends?: unknown;
  plugins?: Plugin[];
}
interface VitestConfig {
  plugins?: Plugin[];
  test?: { projects?: unknown[] };
  [option: string]: unknown;
}
interface ConfigEnv {
  command: string;
  mode: string;
}
interface Vite {
  loadConfigFromFile(env: ConfigEnv, file: string, root: string, logLevel?: string, logger?: unknown, loader?: string): Promise<{ config: VitestConfig } | null>;
}
interface Params {
  bin: string;
  config: string | null;
  root: string | null;
  configLoader: string | null;
}

// vitest's own lists (CONFIG_NAMES, CONFIG_EXTENSIONS in its constants).
const CONFIG_FILES = ['vitest.config', 'vite.config'].flatMap((name) => ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].map((extension) => name + extension));

/** The config file vitest would run with, or null when there is none. */
function projectConfigFile(params: Params, root: string): string | null {
  if (params.config !== null) {
    try {
      return require.resolve(params.config, { paths: [root] });
    } catch {
      return path.resolve(root, params.config);
    }
  }
  for (let dir = root; ; dir = path.dirname(dir)) {
    const found = CONFIG_FILES.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
    if (found) return found;
    if (path.dirname(dir) === dir) return null;
  }
}

/** Whether a plugin list holds asyncrace's (by its name: any copy of asyncrace). */
async function hasAsyncrace(plugins: Plugin[] | undefined): Promise<boolean> {
  for (const plugin of plugins ?? []) {
    const resolved = (await plugin) as Plugin;
    if (Array.isArray(resolved) ? await hasAsyncrace(resolved) : (resolved as { name?: string } | null)?.name === 'asyncrace') return true;
  }
  return false;
}

async function withPlugin<T extends { plugins?: Plugin[] }>(config: T): Promise<T> {
  return (await hasAsyncrace(config.plugins)) ? config : { ...config, plugins: [...(config.plugins ?? []), asyncrace()] };
}

function isPlainObject(value: unknown): value is Project {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

async function withProjects(config: VitestConfig): Promise<VitestConfig> {
  const projects = config.test?.projects;
  if (!Array.isArray(projects)) return config;
  const named = projects.filter((project) => typeof project === 'string');
  if (named.length > 0) process.stderr.write(`asyncrace: vitest projects given by path (${named.join(', ')}) are not instrumented: add plugins: [asyncrace()] to their own config\n`);
  // A project that extends the root config inherits the plugin from it.
  const wired = await Promise.all(projects.map((project) => (isPlainObject(project) && project.extends !== true ? withPlugin(project) : project)));
  return { ...config, test: { ...config.test, projects: wired } };
}

/** The generated config's default export: vitest calls it as a function config. */
export function asyncraceVitestConfig(params: Params): (env: ConfigEnv) => Promise<VitestConfig> {
  return async (env) => {
    const root = path.resolve(params.root ?? '.');
    const file = projectConfigFile(params, root);
    let config: VitestConfig = {};
    if (file) {
      // The Vite vitest runs on (an ES module: Node.js >= 20.19 requires it).
      const vite = createRequire(params.bin)('vite') as Vite;
      config = (await vite.loadConfigFromFile(env, file, root, undefined, undefined, params.configLoader ?? undefined))?.config ?? {};
    }
    return withProjects(await withPlugin(config));
  };
}
