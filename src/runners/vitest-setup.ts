import { raceFailure } from './blame';
import { testRefOf, vitestModule } from './vitest-runner';

/**
 * The setup file the `asyncrace/vitest` plugin adds: with `--fail-on-race` (`ASYNCRACE_FAIL_ON_RACE=1`)
 * a test that raced fails in vitest's own output. `afterEach` runs for concurrent tests too. It
 * flushes nothing: race reports are written as the races happen.
 */
type Task = Parameters<typeof testRefOf>[0];
const { afterEach } = vitestModule<{ afterEach(fn: (context: { task: Task }) => void): void }>();

afterEach((context) => {
  const failure = raceFailure(testRefOf(context.task));
  if (!failure) return;
  failure.stack = `Error: ${failure.message}`; // asyncrace's own frames would be noise
  throw failure;
});
