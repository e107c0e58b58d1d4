import { ENV } from '../config';
import { displayPath } from '../runtime/modules';
import { raceFailure } from './blame';

/**
 * node:test's integration for `--fail-on-race` (naming the running test needs none: see nodeTestNow
 * in tracker/tests.ts). In each process `node --test` runs a test file in, a top-level `afterEach`
 * fails a test that raced, concurrent ones included (a race names its test per task, not by "the
 * test running last"); its error shows in node:test's own output. The hook must go only where
 * node:test runs tests: in the `node --test` parent that only reports, or in a program a test
 * spawned (it inherits NODE_TEST_CONTEXT), it would start a test run of its own and print it.
 * So the parent marks itself in the environment its test-file processes inherit.
 */
const PARENT = 'ASYNCRACE_NODE_TEST_RUNNER';

interface TestContext {
  readonly fullName: string;
  readonly passed: boolean;
}

/** Called by `register` in every process: marks a `node --test` parent, or hooks a test file's process. */
export function wireNodeTest(): void {
  if (process.execArgv.includes('--test')) {
    process.env[PARENT] = String(process.pid);
    return;
  }
  const testFileProcess = process.env.NODE_TEST_CONTEXT !== undefined && process.env[PARENT] === String(process.ppid);
  if (testFileProcess && process.env[ENV.failOnRace] === '1') failRacyTests();
}

function failRacyTests(): void {
  const { afterEach } = require('node:test') as { afterEach(fn: (t: TestContext) => void): void };
  afterEach((t) => {
    const failure = raceFailure({ file: displayPath(process.argv[1] ?? ''), name: t.fullName }, !t.passed);
    if (failure) throw failure;
  });
}
