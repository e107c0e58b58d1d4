/** A problem the CLI reports in one line, exiting with `status` (2: bad usage, 127: no such command). */
export class UsageError extends Error {
  constructor(message: string, readonly status = 2) {
    super(message);
  }
}
