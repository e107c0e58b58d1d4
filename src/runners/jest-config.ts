import { createRequire } from 'node:module';
import * as path from 'node:path';
import { isOwnCode } from '../hooks/own-code';

/**
 * jest's config under `asyncrace run -- jest` (runner-cli.ts generates the `--config` file that calls
 * this): the project's own config, read as jest would have read it (its `--config`, else the one
 * jest finds from the working directory; `rootDir` defaults to that file's directory), with what the
 * `asyncrace/jest` preset brings merged in, keeping the project's own choices:
 * - `transform`: each entry of the project's (or its preset's) keeps its transformer. babel-jest
 *   becomes asyncrace's transformer, which is babel-jest with the same options plus asyncrace's Babel
 *   plugin; any other transformer runs first and asyncrace instruments what it returns (its source
 *   map, if it gives one, keeps the reported sites in the original source). Files no entry covers are
 *   instrumented as they are. With no `transform`, jest's default (babel-jest) becomes asyncrace's.
 * - `testEnvironment`: asyncrace's, which extends the project's own environment (named in
 *   `testEnvironmentOptions`), so tests are named whatever environment they run in.
 * A project that wires asyncrace itself (the preset, asyncrace's transformer or environment) is left
 * as it is; so are `projects` given as paths or globs (their own config files), said in one line.
 * Whether wired or not, `reporters` (the project's, else its preset's, else jest's default) get
 * asyncrace's reporter added: jest takes a project's `reporters` over its preset's.
 */
type Transform = Record<string, string | [string, Record<string, unknown>]>;
type Reporters = (string | [string, Record<string, unknown>])[];
interface JestOptions {
  rootDir: string;
  preset?: string;
  transform?: Transform;
  testEnvironment?: string;
  testEnvironmentOptions?: Record<string, unknown>;
  reporters?: Reporters;
  projects?: (string | Omit<JestOptions, 'rootDir'> & { rootDir?: string })[];
  [option: string]: unknown;
}
type Preset = Pick<JestOptions, 'transform' | 'testEnvironment' | 'testEnvironmentOptions' | 'reporters'>;

/** The pieces of the project's jest this needs: from jest-config and its own dependencies, so they match. */
interface Jest {
  readInitialOptions(config: string | undefined, options: { packageRootOrConfig: string }): Promise<{ config: JestOptions; configPath: string | null }>;
  replaceRootDirInPath(rootDir: string, file: string): string;
  findNodeModule(file: string, options: { basedir: string; extensions?: string[] }): string | null;
  requireOrImportModule<T>(file: string): Promise<T>;
}

function jestOf(bin: string): Jest {
  const fromBin = createRequire(bin);
  let cli = bin;
  try {
    cli = fromBin.resolve('jest-cli/package.json'); // `jest`'s bin: jest-config is jest-cli's dependency
  } catch {
    // jest-cli's own bin
  }
  const jestConfigFile = createRequire(cli).resolve('jest-config');
  const fromJestConfig = createRequire(jestConfigFile);
  const { readInitialOptions, replaceRootDirInPath } = fromJestConfig(jestConfigFile) as Jest;
  const Resolver = (fromJestConfig('jest-resolve') as { default: Pick<Jest, 'findNodeModule'> }).default;
  const { requireOrImportModule } = fromJestConfig('jest-util') as Pick<Jest, 'requireOrImportModule'>;
  return { readInitialOptions, replaceRootDirInPath, findNodeModule: (file, options) => Resolver.findNodeModule(file, options), requireOrImportModule };
}

/** The `testEnvironmentOptions` key that names the project's own environment, for asyncrace's to extend. */
export const ENVIRONMENT_OPTION = 'asyncraceEnvironment';

const PRESET = 'asyncrace/jest';
const TRANSFORMER = require.resolve('./jest-transformer');
const CHAINED_TRANSFORMER = require.resolve('./jest-chained-transformer');
const ENVIRONMENT = require.resolve('./jest-environment');
const REPORTER = require.resolve('./jest-reporter');
/** jest's own default transform, and the files asyncrace instruments when no entry covers them. */
const DEFAULT_PATTERN = '\\.[jt]sx?$';
const ALL_PATTERN = '\\.[cm]?[jt]sx?$';

class Wiring {
  constructor(private readonly jest: Jest) {}

  /** Whether an option's module is asyncrace's own (by package name, or a file of this copy). */
  private isAsyncrace(name: string | undefined, rootDir: string): boolean {
    if (name === undefined) return false;
    if (name === 'asyncrace' || name.startsWith('asyncrace/')) return true;
    const file = this.jest.findNodeModule(this.jest.replaceRootDirInPath(rootDir, name), { basedir: rootDir });
    return file !== null && isOwnCode(file);
  }

  /** The preset's options, found and loaded as jest does (`<name>/jest-preset`, or a path). */
  private async preset(options: JestOptions): Promise<Preset> {
    if (!options.preset) return {};
    const name = this.jest.replaceRootDirInPath(options.rootDir, options.preset);
    const relative = name.startsWith('.') || path.isAbsolute(name);
    const file = this.jest.findNodeModule(relative ? name : `${name}/jest-preset`, { basedir: options.rootDir, extensions: ['.json', '.js', '.cjs', '.mjs'] });
    // jest itself says what is wrong with a preset it cannot load.
    return file ? this.jest.requireOrImportModule<Preset>(file).catch(() => ({})) : {};
  }

  isWired(options: JestOptions, preset: Preset): boolean {
    const { rootDir } = options;
    const transformers = Object.values(options.transform ?? {}).map((entry) => (Array.isArray(entry) ? entry[0] : entry));
    return (
      this.isAsyncrace(options.preset, rootDir) ||
      transformers.some((transformer) => this.isAsyncrace(transformer, rootDir)) ||
      this.isAsyncrace(options.testEnvironment ?? preset.testEnvironment, rootDir)
    );
  }

  /** jest's transform for these options, preset merged as jest merges it, each entry then instrumenting. */
  private transform(options: JestOptions, preset: Preset): Transform {
    const own = options.transform && preset.transform ? { ...options.transform, ...preset.transform, ...options.transform } : options.transform ?? preset.transform;
    if (!own) return { [DEFAULT_PATTERN]: TRANSFORMER, [ALL_PATTERN]: CHAINED_TRANSFORMER };
    const transform: Transform = {};
    for (const [pattern, entry] of Object.entries(own)) {
      const [transformer, transformerOptions = {}] = Array.isArray(entry) ? entry : [entry];
      // jest's own test for babel-jest, which it resolves itself
      if (transformer.includes('babel-jest')) transform[pattern] = [TRANSFORMER, transformerOptions];
      else transform[pattern] = [CHAINED_TRANSFORMER, { transformer: this.resolve(transformer, options.rootDir), options: transformerOptions }];
    }
    transform[ALL_PATTERN] ??= CHAINED_TRANSFORMER;
    return transform;
  }

  private resolve(name: string, rootDir: string): string {
    return this.jest.findNodeModule(this.jest.replaceRootDirInPath(rootDir, name), { basedir: rootDir }) ?? name;
  }

  /** One project's options with asyncrace in them. */
  async wire(options: JestOptions): Promise<JestOptions> {
    const preset = await this.preset(options);
    if (this.isWired(options, preset)) return options;
    const theirs = options.testEnvironment ?? preset.testEnvironment;
    const environmentOptions = { ...(options.testEnvironmentOptions ?? preset.testEnvironmentOptions) };
    if (theirs !== undefined && theirs !== 'node' && theirs !== 'jest-environment-node') environmentOptions[ENVIRONMENT_OPTION] = theirs;
    return { ...options, transform: this.transform(options, preset), testEnvironment: ENVIRONMENT, testEnvironmentOptions: environmentOptions };
  }

  /** The run's `reporters` (a global option: the root config's only) with asyncrace's summary last. */
  async withReporter(options: JestOptions): Promise<JestOptions> {
    const reporters = options.reporters ?? (await this.preset(options)).reporters ?? ['default'];
    if (reporters.some((entry) => this.isAsyncrace(Array.isArray(entry) ? entry[0] : entry, options.rootDir))) return options;
    return { ...options, reporters: [...reporters, REPORTER] };
  }

  /** Inline `projects` entries are wired each; those given as paths or globs have config files of their own, out of reach. */
  async wireProjects(options: JestOptions): Promise<JestOptions> {
    const projects = options.projects!;
    const named = projects.filter((project) => typeof project === 'string');
    if (named.length > 0) say(`jest projects given by path (${named.join(', ')}) are not instrumented: add preset: '${PRESET}' to their own config`);
    const wired = await Promise.all(projects.map((project) => (typeof project === 'string' ? project : this.wire(project as JestOptions))));
    return { ...(await this.wire(options)), projects: wired };
  }

  /**
   * The options with each inline project's `rootDir` set: jest would take it from the directory of
   * the config file it read, which is no longer the project's.
   */
  rooted(options: JestOptions, configDir: string): JestOptions {
    if (!Array.isArray(options.projects)) return options;
    // As jest sets an inline project's rootDir, from the directory of the config file it was in.
    const rootDirOf = (rootDir: string | undefined) => (rootDir ? this.jest.replaceRootDirInPath(configDir, rootDir) : configDir);
    return { ...options, projects: options.projects.map((project) => (typeof project === 'string' ? project : { ...project, rootDir: rootDirOf(project.rootDir) })) };
  }
}

const said = new Set<string>();
/** jest reads its config more than once: each line is said once. */
function say(message: string): void {
  if (said.has(message)) return;
  said.add(message);
  process.stderr.write(`asyncrace: ${message}\n`);
}

/** The generated config's function: jest calls it to get the config it runs with. */
export async function asyncraceJestConfig(params: { bin: string; config: string | null }): Promise<JestOptions> {
  const jest = jestOf(params.bin);
  const read = await jest.readInitialOptions(params.config ?? undefined, { packageRootOrConfig: process.cwd() });
  const wiring = new Wiring(jest);
  const options = wiring.rooted(read.config, read.configPath ? path.dirname(read.configPath) : process.cwd());
  try {
    const wired = await (Array.isArray(options.projects) && options.projects.length > 0 ? wiring.wireProjects(options) : wiring.wire(options));
    return await wiring.withReporter(wired);
  } catch (error) {
    // The project's config is jest's to report on; asyncrace's own trouble must not stop the run.
    say(`jest runs without asyncrace (nothing instrumented): ${error instanceof Error ? error.message : String(error)}`);
    return options;
  }
}
