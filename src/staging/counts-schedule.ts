import { every } from './periodic';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { flushOnSignals } from './signal-flush';

/**
 * When a process writes its counts line. In dev mode: at exit. In staging mode also every interval,
 * when occurrences were counted since the last line, and on SIGTERM or SIGINT before the signal
 * takes effect. Nothing is armed before the first occurrence: a process that never races has no
 * timer and no signal listener. A final line (exit, signal) is always written, unless the last line
 * was a final one with the same counts (a program whose own signal handler then exits).
 */
export class CountsSchedule {
  /** Occurrences counted so far, suppressed ones included: a line is due when they moved. */
  private occurrences = 0;
  private last: { occurrences: number; final: boolean } | null = null;
  private armed = false;
  private settings: Settings = DEFAULT_SETTINGS;
  private stopStaging: (() => void) | null = null;

  constructor(
    private readonly writeLine: () => void,
    /** Writes out what the log destination still buffers, before a signal ends the process. */
    private readonly flushOutput: () => void,
  ) {}

  /** An occurrence of a race was counted. */
  counted(): void {
    this.occurrences++;
    if (this.armed) return;
    this.armed = true;
    process.on('exit', () => this.final());
    this.startStaging();
  }

  configure(settings: Settings): void {
    if (settings.mode !== this.settings.mode || settings.countsIntervalMs !== this.settings.countsIntervalMs) {
      this.stopStaging?.();
      this.stopStaging = null;
    }
    this.settings = settings;
    this.startStaging();
  }

  private startStaging(): void {
    if (!this.armed || this.settings.mode !== 'staging' || this.stopStaging !== null) return;
    const stopTimer = every(this.settings.countsIntervalMs, () => {
      if (this.last?.occurrences !== this.occurrences) this.write(false);
    });
    const stopSignals = flushOnSignals(() => {
      this.final();
      this.flushOutput();
    });
    this.stopStaging = () => {
      stopTimer();
      stopSignals();
    };
  }

  private final(): void {
    if (this.last?.final && this.last.occurrences === this.occurrences) return;
    try {
      this.write(true);
    } catch {
      // a closed log destination at exit: the program's exit status must stay its own
    }
  }

  private write(final: boolean): void {
    this.writeLine();
    this.last = { occurrences: this.occurrences, final };
  }
}
