import { executionAsyncResource } from 'node:async_hooks';
import { displayPath } from '../runtime/modules';

/** The test a task runs for, as CONTRACT.md's `race.test` names it. */
export interface TestRef {
  /** The test file, relative to the working directory. */
  readonly file: string;
  /** Titles from the outermost suite to the test, joined by ` > `. */
  readonly name: string;
}

/** Asks a test runner which test is running right now; undefined outside a test. */
export type TestProvider = () => TestRef | undefined;

/** One list per process, whichever copy of asyncrace a runner integration was loaded from. */
const PROVIDERS = Symbol.for('asyncrace.testProviders');
const holder = globalThis as typeof globalThis & { [PROVIDERS]?: TestProvider[] };
const providers: TestProvider[] = (holder[PROVIDERS] ??= [nodeTestNow]);

/** A runner integration names the running test (mocha's, jest's, vitest's). */
export function addTestProvider(provider: TestProvider): void {
  providers.unshift(provider);
}

/**
 * The test running now: asked only when a task starts with no task around it (the runner called a
 * test function); everything that task starts inherits it. Never throws.
 */
export function runningTest(): TestRef | undefined {
  for (const provider of providers) {
    try {
      const test = provider();
      if (test) return test;
    } catch {
      // a runner's internals changed shape: no attribution rather than a crash
    }
  }
  return undefined;
}

interface NodeTestLike {
  readonly name?: unknown;
  readonly parent?: NodeTestLike | null;
  readonly constructor?: { readonly name?: string };
}

/**
 * node:test calls a test function inside the test's own AsyncResource (its internal Test or Suite
 * object), so while the function starts, `executionAsyncResource()` is that test, with no async_hooks
 * hook enabled; its `parent` chain ends at the root test, which names nothing. Right for concurrent
 * tests too. The file is the one node:test runs (`node --test` starts one process per file).
 */
function nodeTestNow(): TestRef | undefined {
  const resource = executionAsyncResource() as NodeTestLike;
  const kind = resource?.constructor?.name;
  if ((kind !== 'Test' && kind !== 'Suite') || typeof resource.name !== 'string' || !('parent' in resource)) return undefined;
  const names: string[] = [];
  for (let test: NodeTestLike | null | undefined = resource; test?.parent; test = test.parent) names.unshift(String(test.name));
  if (names.length === 0 || !process.argv[1]) return undefined;
  return { file: displayPath(process.argv[1]), name: names.join(' > ') };
}
