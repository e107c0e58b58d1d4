'use strict';
const { reportResult } = require('./lib/report-result');
// Objects workload: property and Map accesses dominate. Inventory objects updated through `this`,
// a Map of counters, an array of slots, in synchronous loops and in concurrent async tasks that
// re-read after each await (race-free: nothing is reported; it measures tracking).

const ITEMS = 1_000; // objects, Map keys and array slots
const SYNC_ROUNDS = 2_000; // synchronous passes over every item
const TASKS = 2_000; // concurrent async tasks
const TASK_ROUNDS = 25; // await -> read -> write rounds per task

class Item {
  constructor(id) {
    this.id = id;
    this.stock = 100;
    this.sold = 0;
  }

  sell(n) {
    this.stock -= n;
    this.sold += n;
  }
}

const items = Array.from({ length: ITEMS }, (_, id) => new Item(id));
const counters = new Map(items.map((item) => [item.id, 0]));
const slots = new Array(ITEMS).fill(0);
const totals = { sold: 0 };

function syncPass() {
  for (const item of items) {
    item.sell(1);
    counters.set(item.id, counters.get(item.id) + 1);
    slots[item.id] = slots[item.id] + 1;
  }
  totals.sold += items.length;
}

async function worker(id) {
  const item = items[id % ITEMS];
  for (let round = 0; round < TASK_ROUNDS; round++) {
    await null;
    const count = counters.get(item.id);
    counters.set(item.id, count + 1);
    const stock = item.stock;
    item.stock = stock + 1;
    totals.sold = totals.sold + 1;
  }
}

async function main() {
  const start = performance.now();
  for (let round = 0; round < SYNC_ROUNDS; round++) syncPass();
  const tasks = [];
  for (let id = 0; id < TASKS; id++) tasks.push(worker(id));
  await Promise.all(tasks);
  const workMs = performance.now() - start;
  reportResult(workMs, { sold: totals.sold, first: counters.get(0), slot: slots[0], stock: items[0].stock });
}

main();
