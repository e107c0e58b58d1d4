import { originalPositionFor, TraceMap, type EncodedSourceMap } from '@jridgewell/trace-mapping';
import { mappedSourcePath } from '../src/hooks/source-map-file';

/**
 * Positions in the source the user wrote. Without an input source map (JavaScript as written, or
 * TypeScript Babel parses itself) Babel's own positions are those. For JavaScript compiled with a
 * source map (tsc `--sourceMap`, inline or `//# sourceMappingURL`), each position is traced back
 * through the map at transform time, so the runtime never sees the map.
 */
export class OriginalPositions {
  private readonly map: TraceMap | null;
  /** The original source the mapped positions are in: the first one a traced position names. */
  private source: string | null = null;

  constructor(inputMap: unknown, private readonly filename: string) {
    this.map = inputMap ? new TraceMap(inputMap as EncodedSourceMap) : null;
  }

  /** 1-based line and column in the original source of a Babel position (line 1-based, column 0-based). */
  trace(line: number, column: number): [number, number] {
    if (!this.map) return [line, column + 1];
    const original = originalPositionFor(this.map, { line, column });
    if (original.line === null || original.source === null) return [line, column + 1];
    this.source ??= original.source;
    return [original.line, original.column + 1];
  }

  /** The file the module's sites are in: the original source when the map traced any, else the file itself. */
  file(): string {
    return this.source === null ? this.filename : mappedSourcePath(this.filename, this.source);
  }
}
