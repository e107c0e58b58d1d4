'use strict';
const { runBatches } = require('./lib/run-batches');
// Await-heavy workload: thousands of concurrent async tasks that each read shared state, await
// something cheap, then write back a value computed from the read. Racy on purpose (lost updates),
// so the detector's full path runs. CPU-bound: every await settles in a microtask, no timers.

const TASKS = 2000; // started together with Promise.all
const ROUNDS = 10; // read -> await -> write rounds per task
const BATCHES = 25; // Promise.all batches, run one after another

// Module-level shared variables.
let balance = 0;
let served = 0;
let highest = -1;

/** A cheap async helper: awaiting it directly makes it part of the caller's task. */
async function fee(id) {
  return id & 3;
}

function makeTask() {
  let handled = 0; // closure-captured counter, shared by every task this factory's function runs

  return async function task(id) {
    for (let round = 0; round < ROUNDS; round++) {
      const seen = balance;
      await null;
      balance = seen + 1; // lost update: another task wrote balance during the await

      const before = handled;
      await Promise.resolve(round);
      handled = before + 1;

      const cost = await fee(id);
      balance -= cost; // read and write with no await between: never a race
      if (highest < id) highest = id;
      served++;
    }
  };
}

runBatches(makeTask(), { tasks: TASKS, batches: BATCHES }, () => ({ served, balance, highest }));
