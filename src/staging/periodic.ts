/**
 * Calls `tick` every `ms` milliseconds for as long as the process runs anyway: the timer is unref'd,
 * so it never keeps a process alive that would otherwise exit. A tick that throws is dropped: the
 * detector's output must never crash the program. Returns how to stop.
 */
export function every(ms: number, tick: () => void): () => void {
  const timer = setInterval(() => {
    try {
      tick();
    } catch {
      // a failing log destination: the next tick tries again
    }
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
