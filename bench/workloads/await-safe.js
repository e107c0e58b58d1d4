'use strict';
const { runBatches } = require('./lib/run-batches');
// Race-free twin of await-heavy: the same tasks, awaits and shared variables, but every write uses
// a value read after the await. It measures what tracking costs when there is nothing to report.

const TASKS = 2000; // started together with Promise.all
const ROUNDS = 10; // await -> read -> write rounds per task
const BATCHES = 25; // Promise.all batches, run one after another

let balance = 0;
let served = 0;
let highest = -1;

async function fee(id) {
  return id & 3;
}

function makeTask() {
  let handled = 0; // closure-captured counter, shared by every task

  return async function task(id) {
    for (let round = 0; round < ROUNDS; round++) {
      await null;
      const seen = balance;
      balance = seen + 1;

      await Promise.resolve(round);
      const before = handled;
      handled = before + 1;

      const cost = await fee(id);
      balance -= cost;
      if (highest < id) highest = id;
      served++;
    }
  };
}

runBatches(makeTask(), { tasks: TASKS, batches: BATCHES }, () => ({ served, balance, highest }));
