import type { types as BabelTypes } from '@babel/core';
import type { OriginalPositions } from './original-positions';

/**
 * The static site table of one module: every instrumented read, write, await and declaration gets a
 * small integer id here, and the table (1-based line, 1-based column pairs) is emitted once into the
 * module, so generated calls carry a number instead of a position string.
 */
export class SiteTable {
  private readonly positions: number[] = [];

  constructor(private readonly original: OriginalPositions) {}

  /** The id of the site where `node` starts in the original source. */
  add(node: BabelTypes.Node): number {
    const start = node.loc?.start;
    this.positions.push(...(start ? this.original.trace(start.line, start.column) : [0, 0]));
    return this.positions.length / 2 - 1;
  }

  toArrayExpression(t: typeof BabelTypes): BabelTypes.ArrayExpression {
    return t.arrayExpression(this.positions.map((n) => t.numericLiteral(n)));
  }
}
