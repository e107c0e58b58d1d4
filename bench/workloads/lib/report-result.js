'use strict';
// The one JSON line each workload prints on stdout, which bench/run.js reads: its work time, peak
// memory, and whether it really ran instrumented (or under the async_hooks reference preload).

function reportResult(workMs, checks) {
  const runtime = globalThis[Symbol.for('asyncrace.runtime')];
  console.log(JSON.stringify({
    workMs,
    maxRssKb: process.resourceUsage().maxRSS,
    instrumented: runtime !== undefined,
    asyncHooks: globalThis[Symbol.for('asyncrace.bench.asyncHooks')] === true,
    races: runtime ? runtime.races().length : null,
    checks,
  }));
}

module.exports = { reportResult };
