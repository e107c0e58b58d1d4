'use strict';
// Running test runners (node --test, mocha, jest, vitest) from this suite, and reading who raced.
const { readReportLines } = require('./report');

/** Each race of a log as `{ write, test }`, by write site then test name. */
function attributed(log) {
  return readReportLines(log)
    .filter((line) => line.race)
    .map(({ race }) => ({ write: race.write.site, test: race.test }))
    .sort((a, b) => a.write.localeCompare(b.write) || a.test.name.localeCompare(b.test.name));
}

/** Terminal output without its colours. */
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** The summary asyncrace's jest reporter prints in jest's stderr: its first line to its last indented one. */
const jestRaceSummary = (stderr) => /^asyncrace: \d+ races? reported during this run\n(?: {2}.*\n)*/m.exec(stderr)?.[0];

/** That summary for the jest fixtures' bank.test.js: the racy tests and their races, never the safe tests, then the log. */
const JEST_RACE_SUMMARY = (log) =>
  [
    'asyncrace: 2 races reported during this run',
    '  bank > credits twice (bank.test.js)',
    '    lost-update on this.balance at account.js:11:5 (race 3eada0403694)',
    '  concurrent > racy other (bank.test.js)',
    '    lost-update on this.balance at account.js:17:5 (race fc39723d7552)',
    `  full reports: ${log} (asyncrace report ${log} groups them)`,
    '',
  ].join('\n');

module.exports = { attributed, plain, jestRaceSummary, JEST_RACE_SUMMARY };
