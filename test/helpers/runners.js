'use strict';
// Running test runners (node --test, mocha, jest, vitest) from this suite, and reading who raced.
const { readReportLines } = require('./report');

/** This suite's own environment, minus what would make a nested `node --test` act as a child of it. */
function runnerEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Each race of a log as `{ write, test }`, by write site then test name. */
function attributed(log) {
  return readReportLines(log)
    .filter((line) => line.race)
    .map(({ race }) => ({ write: race.write.site, test: race.test }))
    .sort((a, b) => a.write.localeCompare(b.write) || a.test.name.localeCompare(b.test.name));
}

/** Terminal output without its colours. */
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

module.exports = { runnerEnv, attributed, plain };
