import type { types as BabelTypes } from '@babel/core';
import type { OriginalPositions } from './original-positions';

/**
 * `// asyncrace-ignore-next-line` (the line after the comment) and `// asyncrace-ignore-line` (the
 * comment's own line), block comments alike, optionally followed by a reason (`-- why`, `: why`),
 * which is for the reader only.
 */
const DIRECTIVE = /^\s*asyncrace-ignore-(next-line|line)(?=$|[\s:])/;

/**
 * The lines whose writes the file's `asyncrace-ignore` comments suppress, in order. The runtime
 * silences a race whose write starts on one of them.
 */
export function ignoredLines(comments: readonly BabelTypes.Comment[] | null | undefined, original: OriginalPositions): number[] {
  const lines = new Set<number>();
  for (const comment of comments ?? []) {
    const directive = DIRECTIVE.exec(comment.value)?.[1];
    if (!directive || !comment.loc) continue;
    // In the original source: the comment's line there, or the line after it.
    const [line] = original.trace(directive === 'line' ? comment.loc.start.line : comment.loc.end.line, comment.loc.start.column);
    lines.add(directive === 'line' ? line : line + 1);
  }
  return [...lines].sort((a, b) => a - b);
}
