import { raceFailure } from './blame';
import { testRefOf, vitestModule } from './vitest-runner';

/**
 * The setup file the `asyncrace/vitest` plugin adds: with `--fail-on-race` (`ASYNCRACE_FAIL_ON_RACE=1`)
 * a test that raced fails in vitest's own output. `afterEach` runs for concurrent tests too, after
 * the test's own result is in (`fail` when it threw).
 */
type Task = Parameters<typeof testRefOf>[0] & { readonly result?: { readonly state?: string } };
const { afterEach } = vitestModule<{ afterEach(fn: (context: { task: Task }) => void): void }>();

afterEach((context) => {
  const failure = raceFailure(testRefOf(context.task), context.task.result?.state === 'fail');
  if (failure) throw failure;
});
