import * as path from 'node:path';
import { addEvaluatedCode } from '../reporter/stacks';
import runtime from '../runtime';
import { displayPath } from '../runtime/modules';
import { addTestProvider, type TestRef } from '../tracker/tests';

/**
 * `asyncrace/vitest/runner`, vitest's `test.runner` (the `asyncrace/vitest` plugin sets it): vitest's
 * own runner, with the test function called through `runTask`. vitest sets its "current test" before
 * the hooks' awaits, so with concurrent tests it names the last one started; `runTask` is the one
 * moment the running test is known synchronously: the root task the test function starts asks the
 * provider then, and everything it starts inherits the test.
 */
interface VitestTask {
  readonly fullTestName?: string;
  readonly name: string;
  readonly file?: { readonly filepath: string };
}
type TestFn = () => unknown;
interface RunnerClass {
  new (config: unknown): { onAfterRunFiles?(files: unknown): unknown };
  getTestFn(test: VitestTask): TestFn | undefined;
}

/**
 * vitest's own ES module (its `require` entry only throws), loaded through require(esm) by its file:
 * the same module instance vitest's worker imported, as Node.js shares them between both.
 */
export function vitestModule<T>(): T {
  const root = path.dirname(require.resolve('vitest/package.json'));
  return require(path.join(root, 'dist', 'index.js')) as T;
}

// `vitest` exports the runner since 4.1 (which deprecates `vitest/runners`, where 4.0 has it).
const VitestTestRunner =
  vitestModule<{ TestRunner?: RunnerClass }>().TestRunner ?? (require('vitest/runners') as { VitestTestRunner: RunnerClass }).VitestTestRunner;

let running: TestRef | undefined;
addTestProvider(() => running);

/** vitest's worker state, where its module runner keeps the modules it evaluated (vitest 4). */
interface WorkerState {
  readonly evaluatedModules?: { getModuleById?(id: string): { readonly meta?: { readonly code?: unknown } } | undefined };
}
// Frames in files vitest evaluated are positions in Vite's output: traced back through its inline map.
addEvaluatedCode((file) => {
  const code = (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__?.evaluatedModules?.getModuleById?.(file)?.meta?.code;
  return typeof code === 'string' ? code : undefined;
});

/** Names a vitest test as `race.test` does: its file relative to the working directory, titles joined by ` > `. */
export function testRefOf(task: VitestTask): TestRef {
  return { file: task.file ? displayPath(task.file.filepath) : '', name: task.fullTestName ?? task.name };
}

export class AsyncraceRunner extends VitestTestRunner {
  /**
   * vitest ends its workers without an `exit` event (threads are terminated, forks killed): the
   * counts line is written here, after each batch of files (cumulative, so repeats are harmless).
   */
  onAfterRunFiles(files: unknown): unknown {
    const done = super.onAfterRunFiles?.(files);
    runtime.flushCounts();
    return done;
  }

  runTask(test: VitestTask): Promise<void> {
    const fn = VitestTestRunner.getTestFn(test);
    if (!fn) throw new Error('Test function is not found. Did you add it using `setFn`?');
    const previous = running;
    running = testRefOf(test);
    try {
      return Promise.resolve(fn()).then(() => undefined);
    } finally {
      running = previous;
    }
  }
}

export default AsyncraceRunner;
