import { isMainThread } from 'node:worker_threads';

/** The signals a service is stopped with: a terminal's Ctrl-C, and what orchestrators send. */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs `flush` when the process receives SIGTERM or SIGINT, without changing what the signal does.
 * Listening for a signal replaces Node's default action (dying of it), so: when the program listens
 * too, its own listeners decide what happens, as they would have; when asyncrace's listener is the
 * only one, it stops listening and sends the signal again, and the process dies of it, with the
 * status a shell or an orchestrator expects (Node starts every process with the default action, so
 * that is what sending it again meets). Signals reach the main thread only. Returns how to stop.
 */
export function flushOnSignals(flush: () => void): () => void {
  if (!isMainThread) return () => {};
  const listeners = SIGNALS.map((signal) => {
    const listener = (): void => {
      try {
        flush();
      } catch {
        // a broken log destination must not keep the process from stopping
      }
      if (process.listenerCount(signal) > 1) return;
      process.removeListener(signal, listener);
      process.kill(process.pid, signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => listeners.forEach(([signal, listener]) => process.removeListener(signal, listener));
}
