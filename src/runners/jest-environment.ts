import runtime from '../runtime';
import { displayPath } from '../runtime/modules';
import { addTestProvider, type TestRef } from '../tracker/tests';
import { raceFailure } from './blame';

/**
 * `asyncrace/jest/environment`: jest-environment-node, plus what jest's sandboxes need. Each test
 * file runs in its own vm context with its own `globalThis`, so the runtime instrumented code loads
 * there would be a new one per file (its own race ids, and an exit hook on the sandbox's `process`
 * that never writes the counts): this module loads the runtime once in the worker's own realm and
 * puts it on each file's global under the symbol the runtime module looks for. The running test is
 * jest-circus's own AsyncLocalStorage, `expect.getState().currentTestIdentity()`: right for
 * `test.concurrent` too, and already paid for. With `ASYNCRACE_FAIL_ON_RACE=1` a test that raced
 * fails in jest's own output (on `test_done`: `*Each` hooks do not run for concurrent tests).
 * jest-environment-node is a peer: the one the project's jest installed.
 */
interface CircusBlock { readonly name: string; readonly parent?: CircusBlock }
interface CircusTest extends CircusBlock { readonly errors: unknown[] }
interface MatcherState { currentTestIdentity?(): CircusTest | undefined }
type Global = Record<PropertyKey, unknown>;
interface NodeEnvironment { readonly global: Global; setup(): Promise<void>; teardown(): Promise<void> }
const { TestEnvironment } = require('jest-environment-node') as {
  TestEnvironment: new (config: unknown, context: { testPath: string }) => NodeEnvironment;
};

const ROOT = 'ROOT_DESCRIBE_BLOCK';
const MATCHERS = Symbol.for('$$jest-matchers-object');

function nameOf(test: CircusBlock): string {
  const names: string[] = [];
  for (let block: CircusBlock | undefined = test; block && block.name !== ROOT; block = block.parent) names.unshift(block.name);
  return names.join(' > ');
}

/** A worker runs one test file at a time: the environment of the file running now. */
let active: AsyncraceEnvironment | undefined;
addTestProvider(() => active?.runningTest());

export class AsyncraceEnvironment extends TestEnvironment {
  private readonly file: string;

  constructor(config: unknown, context: { testPath: string }) {
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

  handleTestEvent(event: { name: string; test?: CircusTest }): void {
    if (event.name !== 'test_done' || !event.test) return;
    const failure = raceFailure({ file: this.file, name: nameOf(event.test) });
    if (!failure) return;
    failure.stack = `Error: ${failure.message}`; // jest would show asyncrace's code for the frame: noise
    event.test.errors.push(failure);
  }
}

export default AsyncraceEnvironment;
