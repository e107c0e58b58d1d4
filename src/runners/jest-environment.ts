import * as path from 'node:path';
import runtime from '../runtime';
import { displayPath } from '../runtime/modules';
import { addTestProvider, type TestRef } from '../tracker/tests';
import { raceFailure } from './blame';
import { ENVIRONMENT_OPTION } from './jest-config';

/**
 * `asyncrace/jest/environment`: the project's test environment (jest-environment-node unless
 * `testEnvironmentOptions.asyncraceEnvironment` names another: `jsdom`, a package, a file relative
 * to `rootDir`, as `testEnvironment` would), plus what jest's sandboxes need. Each test file runs in
 * its own vm context with its own `globalThis`, so the runtime instrumented code loads there would be
 * a new one per file (its own race ids, and an exit hook on the sandbox's `process` that never writes
 * the counts): this module loads the runtime once in the worker's own realm and puts it on each
 * file's global under the symbol the runtime module looks for. The running test is jest-circus's own
 * AsyncLocalStorage, `expect.getState().currentTestIdentity()`: right for `test.concurrent` too, and
 * already paid for. With `ASYNCRACE_FAIL_ON_RACE=1` a test that raced fails in jest's own output (on
 * `test_done`: `*Each` hooks do not run for concurrent tests). jest-environment-node is a peer: the
 * one the project's jest installed.
 */
interface CircusBlock { readonly name: string; readonly parent?: CircusBlock }
interface CircusTest extends CircusBlock { readonly errors: unknown[] }
interface TestEvent { readonly name: string; readonly test?: CircusTest }
interface MatcherState { currentTestIdentity?(): CircusTest | undefined }
type Global = Record<PropertyKey, unknown>;
interface EnvironmentConfig { readonly projectConfig: { readonly rootDir: string; readonly testEnvironmentOptions?: Record<string, unknown> } }
interface EnvironmentContext { readonly testPath: string }
interface Environment {
  readonly global: Global;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  handleTestEvent?(event: TestEvent, state: unknown): unknown;
}
type EnvironmentClass = new (config: EnvironmentConfig, context: EnvironmentContext) => Environment;

const ROOT = 'ROOT_DESCRIBE_BLOCK';
const MATCHERS = Symbol.for('$$jest-matchers-object');

function nameOf(test: CircusBlock): string {
  const names: string[] = [];
  for (let block: CircusBlock | undefined = test; block && block.name !== ROOT; block = block.parent) names.unshift(block.name);
  return names.join(' > ');
}

/** A worker runs one test file at a time: the environment of the file running now. */
let active: { runningTest(): TestRef | undefined } | undefined;
addTestProvider(() => active?.runningTest());

/** asyncrace's environment on top of `Base`. */
function withAsyncrace(Base: EnvironmentClass): EnvironmentClass {
  return class AsyncraceEnvironment extends Base {
    private readonly file: string;

    constructor(config: EnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      this.file = displayPath(context.testPath);
      this.global[Symbol.for('asyncrace.runtime')] = runtime;
    }

    override async setup(): Promise<void> {
      await super.setup();
      active = this;
    }

    override async teardown(): Promise<void> {
      if (active === this) active = undefined;
      await super.teardown();
    }

    runningTest(): TestRef | undefined {
      const expect = this.global.expect as { getState?(): MatcherState } | undefined;
      const state = expect?.getState?.() ?? (this.global[MATCHERS] as { state?: MatcherState } | undefined)?.state;
      const test = state?.currentTestIdentity?.();
      return test ? { file: this.file, name: nameOf(test) } : undefined;
    }

    override handleTestEvent(event: TestEvent, state: unknown): unknown {
      const theirs = super.handleTestEvent?.(event, state); // the project's environment may watch events too
      if (event.name !== 'test_done' || !event.test) return theirs;
      const failure = raceFailure({ file: this.file, name: nameOf(event.test) }, event.test.errors.length > 0);
      if (failure) event.test.errors.push(failure);
      return theirs;
    }
  };
}

/** An environment module as jest takes it: the class exported, as `default` or `TestEnvironment`. */
function environmentClassOf(module: unknown): EnvironmentClass {
  const exports = module as { default?: unknown; TestEnvironment?: unknown } | undefined;
  const found = [module, exports?.default, exports?.TestEnvironment].find((candidate) => typeof candidate === 'function');
  if (!found) throw new Error('asyncrace: the test environment exports no class');
  return found as EnvironmentClass;
}

/** Finds a `testEnvironment` name as jest does: `jest-environment-<name>` first, then `<name>`, from `rootDir`. */
function resolveEnvironment(name: string, rootDir: string): string {
  const file = name.startsWith('<rootDir>') ? path.join(rootDir, name.slice('<rootDir>'.length)) : name === 'jsdom' ? 'jest-environment-jsdom' : name;
  try {
    return require.resolve(`jest-environment-${file}`, { paths: [rootDir] });
  } catch {
    return require.resolve(file, { paths: [rootDir] });
  }
}

const NodeEnvironment = withAsyncrace(environmentClassOf(require('jest-environment-node')));
const extended = new Map<string, EnvironmentClass>();

/**
 * What jest constructs: asyncrace's environment on jest-environment-node, or on the environment
 * `testEnvironmentOptions` names (which then gets its options without that key). A constructor that
 * returns an object gives `new` that object.
 */
function AsyncraceEnvironment(config: EnvironmentConfig, context: EnvironmentContext): Environment {
  const { [ENVIRONMENT_OPTION]: theirs, ...options } = config.projectConfig.testEnvironmentOptions ?? {};
  if (typeof theirs !== 'string') return new NodeEnvironment(config, context);
  const file = resolveEnvironment(theirs, config.projectConfig.rootDir);
  let Extended = extended.get(file);
  if (!Extended) extended.set(file, (Extended = withAsyncrace(environmentClassOf(require(file)))));
  return new Extended({ ...config, projectConfig: { ...config.projectConfig, testEnvironmentOptions: options } }, context);
}

export { AsyncraceEnvironment };
export default AsyncraceEnvironment;
