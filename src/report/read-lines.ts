import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../cli/usage-error';

/** A line longer than this is skipped as it streams by, never held whole: a log line of asyncrace's is a few KB. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Where the lines of the log go, one call per line, in order. */
export interface LineSink {
  line(text: string): void;
  /** A line longer than MAX_LINE_BYTES went by (its text was dropped). */
  overlong(): void;
}

/** One log to read: a file, or standard input. */
export interface LogSource {
  /** As the user named it (`-` for stdin), for messages. */
  name: string;
  open(): Readable;
  /** Named `.gz`: decompressed even when its first bytes are not gzip's (so a broken one is reported). */
  gzipByName: boolean;
}

/** Exit status for a file that cannot be read (missing, a directory) or written; bad options exit with 2. */
export const FILE_ERROR_EXIT_CODE = 1;

const STDIN: LogSource = { name: '-', open: () => process.stdin, gzipByName: false };

/** Why a file cannot be read (or broke off part-way) or written, in words for a one-line message. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return `not a readable gzip file (${(error as Error).message})`;
  }
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return code ?? (error instanceof Error ? error.message : String(error));
}

function fileSource(name: string, cwd: string): LogSource {
  const file = path.resolve(cwd, name);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    throw new UsageError(`cannot read ${name}: ${describeFileError(error)}`, FILE_ERROR_EXIT_CODE);
  }
  if (stat.isDirectory()) {
    throw new UsageError(`cannot read ${name}: is a directory (name its files, or a quoted glob such as '${path.join(name, '*.ndjson')}')`, FILE_ERROR_EXIT_CODE);
  }
  return { name, open: () => fs.createReadStream(file), gzipByName: name.endsWith('.gz') };
}

/**
 * The logs `asyncrace report [files... | -]` names: files, quoted globs (expanded here, sorted),
 * `-` for stdin, and stdin when nothing is named and it is not a terminal. A file named twice is
 * read once. Throws a UsageError, before anything is read, for an input that is not there.
 */
export function resolveSources(inputs: string[], cwd: string, stdinIsTTY: boolean): LogSource[] {
  if (inputs.length === 0) {
    if (stdinIsTTY) throw new UsageError('no log to read: name log files, or pipe a log into asyncrace report');
    return [STDIN];
  }
  const sources: LogSource[] = [];
  const seen = new Set<string>();
  const add = (source: LogSource, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    sources.push(source);
  };
  for (const input of inputs) {
    if (input === '-') add(STDIN, '-');
    else if (!fs.existsSync(path.resolve(cwd, input)) && isDynamicPattern(input)) {
      // Matches are named as the pattern was: relative to cwd, or absolute.
      const matches = globSync(input, { cwd, onlyFiles: true, expandDirectories: false, absolute: path.isAbsolute(input) }).sort();
      if (matches.length === 0) throw new UsageError(`no file matches ${input}`, FILE_ERROR_EXIT_CODE);
      for (const match of matches) add(fileSource(match, cwd), path.resolve(cwd, match));
    } else add(fileSource(input, cwd), path.resolve(cwd, input));
  }
  return sources;
}

/** Splits a byte stream into lines at `\n`, holding at most MAX_LINE_BYTES of an unfinished line. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The current line has outgrown the limit: its bytes are dropped until its end. */
  private dropping = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      this.finish(chunk, start, end);
      start = end + 1;
    }
    this.hold(chunk, start);
  }

  /** The stream ended: its last line, if it had no `\n`. */
  end(): void {
    if (this.dropping || this.pendingBytes > 0) this.finish(Buffer.alloc(0), 0, 0);
  }

  private finish(chunk: Buffer, start: number, end: number): void {
    if (this.dropping || this.pendingBytes + (end - start) > this.maxBytes) {
      this.reset();
      this.sink.overlong();
      return;
    }
    // Decoding whole lines is safe: `\n` never occurs inside a multi-byte UTF-8 character.
    const text =
      this.pending.length === 0
        ? chunk.toString('utf8', start, end)
        : Buffer.concat([...this.pending, chunk.subarray(start, end)]).toString('utf8');
    this.reset();
    this.sink.line(text);
  }

  private hold(chunk: Buffer, start: number): void {
    if (start === chunk.length || this.dropping) return;
    if (this.pendingBytes + (chunk.length - start) > this.maxBytes) {
      this.reset();
      this.dropping = true;
      return;
    }
    this.pending.push(Buffer.from(chunk.subarray(start))); // a copy: the rest of the chunk can be freed
    this.pendingBytes += chunk.length - start;
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.dropping = false;
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The first bytes of a stream, enough to recognise gzip (a pipe may deliver a single byte first). */
async function readHead(chunks: AsyncIterator<Buffer>): Promise<Buffer> {
  let head = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  return head;
}

async function* prepend(head: Buffer, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
}

/**
 * Streams one log's lines into `sink`, decompressing gzip (recognised by its magic bytes or a
 * `.gz` name). Rejects when the log breaks off (a read error, a corrupt or truncated .gz); the
 * lines before that point have been delivered.
 */
export async function readSource(source: LogSource, sink: LineSink): Promise<void> {
  const input = source.open();
  const splitter = new LineSplitter(sink);
  try {
    const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head = await readHead(chunks);
    const gzipped = source.gzipByName || GZIP_MAGIC.every((byte, i) => head[i] === byte);
    const bytes: AsyncIterable<Buffer> = gzipped
      ? pipeline(Readable.from(prepend(head, chunks), { objectMode: false }), zlib.createGunzip(), () => {})
      : prepend(head, chunks);
    for await (const chunk of bytes) splitter.push(chunk);
  } finally {
    splitter.end();
    if (input !== process.stdin) input.destroy();
  }
}
