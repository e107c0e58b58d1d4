'use strict';
// What every benchmark prints with: medians, ratios and aligned tables.

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rows of cells as columns: the first left-aligned, the others right-aligned. */
function table(rows) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows
    .map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  '))
    .join('\n');
}

const ms = (value) => value.toFixed(0);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

module.exports = { median, table, ms, ratio };
