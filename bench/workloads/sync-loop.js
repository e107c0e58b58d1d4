'use strict';
const { reportResult } = require('./lib/report-result');
// Sync-loop workload: shared module-level counters hammered in tight loops, in a synchronous
// function and in async functions that never await between a read and its write. No race can be
// reported here; it measures the bare cost of tracking every write.

const SPINS = 60_000_000; // iterations of the sync loop
const CALLS = 1_000_000; // short async calls
const PER_CALL = 20; // iterations inside each async call

// Module-level shared variables.
let hits = 0;
let total = 0;
let peak = 0;

function spin(n) {
  for (let i = 0; i < n; i++) {
    hits++;
    total += i & 7;
    if (i > peak) peak = i;
  }
}

/** Async but no await: each read and its dependent write run in one go. */
async function tally(n) {
  for (let i = 0; i < n; i++) {
    const t = total;
    total = t + 1;
    hits += 1;
  }
}

function main() {
  const start = performance.now();
  spin(SPINS);
  for (let call = 0; call < CALLS; call++) tally(PER_CALL);
  const workMs = performance.now() - start;
  reportResult(workMs, { hits, total, peak });
}

main();
