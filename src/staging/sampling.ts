import { randomBytes } from 'node:crypto';

/**
 * Which root tasks are tracked (`ASYNCRACE_SAMPLE`): a task started by no task (a request handler,
 * a timer's async callback) is tracked with probability `rate`, and every task it starts follows it.
 * Draws come from a generator of asyncrace's own, so the program's `Math.random()` sequence (which a
 * test may have seeded) is never advanced.
 */
let rate = 1;
/** xorshift32 state, seeded once per process: never 0. */
let state = randomBytes(4).readUInt32LE(0) || 1;

export function setSampleRate(fraction: number): void {
  rate = fraction;
}

/** Whether the next root task is tracked. */
export function sampleRootTask(): boolean {
  if (rate >= 1) return true;
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x1_0000_0000 < rate;
}
