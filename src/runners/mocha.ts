import { displayPath } from '../runtime/modules';
import { addTestProvider, type TestRef } from '../tracker/tests';
import { raceFailure } from './blame';

/**
 * mocha's integration, a root-hooks plugin: `mocha --require asyncrace/register --require
 * asyncrace/mocha` (or both in `.mocharc`'s `require`; `asyncrace run` adds it to mocha's CLI). mocha never runs two tests of one process
 * at once (`--parallel` runs files in separate processes), so the test between `beforeEach` and
 * `afterEach` is the one running. With `ASYNCRACE_FAIL_ON_RACE=1` (`asyncrace run --fail-on-race`)
 * a test that raced fails, naming its races, in mocha's own output.
 */
interface MochaTest {
  readonly file?: string;
  readonly state?: 'passed' | 'failed' | 'pending';
  titlePath(): string[];
}
interface HookContext {
  readonly currentTest?: MochaTest;
  /** The hook itself: an error given to it fails the test it ran after, and mocha goes on. */
  readonly test?: { error(error: Error): void };
}

let running: TestRef | undefined;

function refOf(test: MochaTest): TestRef {
  return { file: test.file ? displayPath(test.file) : '', name: test.titlePath().join(' > ') };
}

// `asyncrace run` adds this plugin to mocha's CLI; the project's .mocharc may name another copy.
const LOADED = Symbol.for('asyncrace.mochaHooks');
const holder = globalThis as typeof globalThis & { [LOADED]?: true };
const first = !holder[LOADED];
holder[LOADED] = true;
if (first) addTestProvider(() => running);

export const mochaHooks = !first ? {} : {
  beforeEach(this: HookContext): void {
    running = this.currentTest && refOf(this.currentTest);
  },
  afterEach(this: HookContext): void {
    const test = running;
    running = undefined;
    const failure = test && raceFailure(test, this.currentTest?.state === 'failed');
    if (failure) this.test?.error(failure);
  },
};
