import * as fs from 'node:fs';

/** How often the relay copies what the command's processes logged. */
const INTERVAL_MS = 50;
const CHUNK = 64 * 1024;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * `asyncrace run` with reports going to stderr or stdout (the default): the command's processes
 * append their reports to a file of the CLI's, and the CLI copies each whole line to its own
 * stderr/stdout as the file grows. Test runners re-print what their workers write to stderr —
 * `node --test` on stdout as TAP comments, jest and vitest possibly cut into pieces — so reports
 * written to stderr by the workers themselves would land in the runner's output or arrive torn.
 * A file opened for appending takes whole lines from any number of processes.
 */
export class LogRelay {
  private offset = 0;
  private pending = Buffer.alloc(0);
  private readonly timer: NodeJS.Timeout;

  constructor(
    /** The file the command's processes append to (ASYNCRACE_LOG). */
    readonly file: string,
    /** 1 or 2: where the user asked for the reports. */
    private readonly fd: 1 | 2,
  ) {
    fs.writeFileSync(file, '');
    this.timer = setInterval(() => this.copy(false), INTERVAL_MS).unref();
  }

  /** Copies what is left, a last unterminated line included, and stops. */
  stop(): void {
    clearInterval(this.timer);
    this.copy(true);
  }

  private copy(final: boolean): void {
    try {
      const fd = fs.openSync(this.file, 'r');
      try {
        const buffer = Buffer.alloc(CHUNK);
        for (let read; (read = fs.readSync(fd, buffer, 0, CHUNK, this.offset)) > 0; ) {
          this.offset += read;
          this.pending = Buffer.concat([this.pending, buffer.subarray(0, read)]);
          this.flushLines();
        }
      } finally {
        fs.closeSync(fd);
      }
      if (final && this.pending.length > 0) this.write(this.pending);
    } catch {
      // The output is closed (a pipe whose reader left): the command runs on regardless.
    }
  }

  /** Writes the complete lines read so far; a line still being written waits for its end. */
  private flushLines(): void {
    const end = this.pending.lastIndexOf(0x0a);
    if (end < 0) return;
    this.write(this.pending.subarray(0, end + 1));
    this.pending = this.pending.subarray(end + 1);
  }

  private write(bytes: Buffer): void {
    for (let written = 0; written < bytes.length; ) {
      try {
        written += fs.writeSync(this.fd, bytes, written);
      } catch (error) {
        // A child process may have made the shared pipe non-blocking: wait for room, then go on.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        Atomics.wait(PAUSE, 0, 0, 1);
      }
    }
  }
}
