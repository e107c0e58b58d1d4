'use strict';
const { reportResult } = require('./report-result');

/**
 * Runs `batches` rounds of `tasks` concurrent calls of `task(id)` (Promise.all), times them, and
 * prints the result line with the checksums `checks()` returns at the end.
 */
async function runBatches(task, { tasks, batches }, checks) {
  const start = performance.now();
  for (let batch = 0; batch < batches; batch++) {
    const running = [];
    for (let id = 0; id < tasks; id++) running.push(task(id));
    await Promise.all(running);
  }
  reportResult(performance.now() - start, checks());
}

module.exports = { runBatches };
