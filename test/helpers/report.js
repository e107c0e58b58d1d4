'use strict';
// Reading what asyncrace logged: NDJSON lines, each validated against the CONTRACT.md schema.
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv');

const validate = new Ajv({ allErrors: true }).compile(require('../report-schema.json'));

/** Parses a log file's NDJSON lines; throws if any line is not a valid report or counts line. */
function readReportLines(file) {
  return parseReportLines(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
}

/** Parses NDJSON report lines (a log's text, or a stream that held only reports); throws as readReportLines. */
function parseReportLines(text) {
  const lines = text.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    const parsed = JSON.parse(line);
    if (!validate(parsed)) {
      throw new Error(`invalid report line: ${line}\n${JSON.stringify(validate.errors, null, 2)}`);
    }
    return parsed;
  });
}

/** The race lines, reduced to what a fixture expects: kind, target, read and write lines, file. */
function summarize(lines) {
  return lines
    .filter((l) => l.race)
    .map(({ race }) => ({
      kind: race.kind,
      target: race.target.name,
      read: Number(race.read.site.split(':').at(-2)),
      write: Number(race.write.site.split(':').at(-2)),
      file: race.write.site.split(':').slice(0, -2).join(':'),
    }));
}

module.exports = { readReportLines, parseReportLines, summarize, REPO: path.resolve(__dirname, '..', '..') };
