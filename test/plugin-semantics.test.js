'use strict';
// Differential tests of the Babel plugin's output: every case in semantics-cases.js runs once as
// written and once instrumented, and the outcomes must be identical: the module's load, run()'s
// value or exception (constructor, message and line), and the log of side effects the snippet
// records on the way. Every error compared carries the line of its first frame in the snippet, and
// snippets log at() lines, so the lines of the original statements must survive (retainLines).
// The instrumented code must also still compile and (for most cases) actually differ from the
// original. KEEP_SEMANTICS_ARTIFACTS=1 keeps the written snippets when a case fails.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const vm = require('node:vm');
const { createRequire } = require('node:module');
const { after, describe, test } = require('node:test');
const { instrumentSource } = require('../dist/src/hooks/transform');
const cases = require('./semantics-cases');

// Under test/artifacts/ (git-ignored). Snippets are not named *.js: `node --test test/` would run
// any leftover .js file there as a test.
const ARTIFACTS = path.join(__dirname, 'artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });
const DIR = fs.mkdtempSync(path.join(ARTIFACTS, 'plugin-semantics-'));
// Races the snippets provoke are reported by the runtime: keep them out of the test output.
process.env.ASYNCRACE_LOG = path.join(DIR, 'races.ndjson');
let failed = false;
after(() => {
  if (failed && process.env.KEEP_SEMANTICS_ARTIFACTS) return;
  fs.rmSync(DIR, { recursive: true, force: true });
});

/** What a snippet's module body sees besides the CommonJS ones: `log`, and `at()`, its caller's line. */
const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', 'log', 'at'];
/** Marks the line a case's uncaught exception must be reported at (plain and instrumented). */
const THROW_MARKER = '/*@throw*/';

/** The line of the first stack frame in `file`, or null. */
function lineIn(stack, file) {
  for (const frame of String(stack).split('\n')) {
    const match = frame.includes(file) && /:(\d+):\d+\)?$/.exec(frame);
    if (match) return Number(match[1]);
  }
  return null;
}

/** Compiles a snippet as Node compiles a CommonJS module (no wrapper lines), without running it. */
function compile(code, file) {
  return vm.compileFunction(code, PARAMS, { filename: file });
}

/**
 * A deep-comparable picture of a value: errors by constructor, message and line in the snippet,
 * functions by kind and name (name inference is observable), BigInts and symbols as text.
 */
function describeValue(value, file, seen = new Set()) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[${value.constructor.name} ${JSON.stringify(value.name)}]`;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (value instanceof Error) return { error: value.constructor.name, message: value.message, line: lineIn(value.stack, file) };
    if (Array.isArray(value)) return value.map((v) => describeValue(v, file, seen));
    if (value instanceof Promise) return util.inspect(value);
    const out = { '[prototype]': Object.getPrototypeOf(value)?.constructor?.name ?? null };
    for (const key of Reflect.ownKeys(value)) {
      const desc = Object.getOwnPropertyDescriptor(value, key);
      out[String(key)] = 'value' in desc ? describeValue(desc.value, file, seen) : '[accessor]';
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Loads the snippet, awaits its `run(log)`, and records everything observable. */
async function execute(code, file) {
  const log = [];
  const at = () => lineIn(new Error().stack.split('\n').slice(2).join('\n'), file);
  const require = createRequire(file);
  const module = { id: file, filename: file, exports: {}, require };
  const outcome = { phase: 'load' };
  try {
    compile(code, file).call(module.exports, module.exports, require, module, file, path.dirname(file), log, at);
    outcome.phase = 'run';
    if (typeof module.exports.run !== 'function') throw new Error('the snippet exports no run()');
    outcome.value = describeValue(await module.exports.run(log), file);
    outcome.phase = 'done';
  } catch (error) {
    outcome.thrown = describeValue(error, file);
    outcome.errorObject = error;
  }
  outcome.log = describeValue(log, file);
  return outcome;
}

const withoutSpaces = (text) => text.replace(/ /g, '');

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

function prepare(testCase, index) {
  const dir = path.join(DIR, `${String(index).padStart(2, '0')}-${slug(testCase.name)}`);
  fs.mkdirSync(dir);
  const plainFile = path.join(dir, 'plain.snippet');
  const instrumentedFile = path.join(dir, 'instrumented.snippet');
  const instrumented = instrumentSource(testCase.code, instrumentedFile);
  fs.writeFileSync(plainFile, testCase.code);
  fs.writeFileSync(instrumentedFile, instrumented);
  return { plainFile, instrumentedFile, instrumented };
}

function markedLine(code) {
  const index = code.split('\n').findIndex((line) => line.includes(THROW_MARKER));
  return index < 0 ? null : index + 1;
}

describe('plugin semantics: instrumented code behaves exactly like the original', () => {
  cases.forEach((testCase, index) => {
    test(testCase.name, async () => {
      try {
        const { plainFile, instrumentedFile, instrumented } = prepare(testCase, index);

        // The output still parses, and instrumentation really happened (or really did not).
        assert.doesNotThrow(() => compile(instrumented, instrumentedFile), 'instrumented code compiles');
        if (testCase.instrumented === false) {
          assert.doesNotMatch(instrumented, /_asyncrace/, 'left uninstrumented');
        } else {
          assert.notEqual(instrumented, testCase.code, 'instrumentSource changed the code');
          assert.match(instrumented, /_asyncrace\d*\.(e\(\)|w\()/, 'runtime calls were inserted');
        }
        // Spaces are the file's own where the line was left alone and absent where code was inserted
        // (preserveFormat): the patterns are matched with spaces taken out of both.
        for (const pattern of testCase.expect ?? []) {
          assert.match(withoutSpaces(instrumented), new RegExp(withoutSpaces(pattern.source), pattern.flags), `expected instrumentation ${pattern}`);
        }
        // retainLines only ever adds lines; the lines themselves are checked through errors and at().
        assert.ok(instrumented.split('\n').length >= testCase.code.trimEnd().split('\n').length, 'no line lost');

        const plain = await execute(testCase.code, plainFile);
        const actual = await execute(instrumented, instrumentedFile);
        const view = ({ errorObject, ...rest }) => rest;
        assert.deepStrictEqual(view(actual), view(plain), 'same outcome, same side effects in the same order');

        const line = markedLine(testCase.code);
        if (line !== null) {
          assert.ok(plain.errorObject, `the case throws (marked at line ${line})`);
          assert.equal(plain.thrown.line, line, 'plain run throws at the marked line');
          assert.equal(actual.thrown.line, line, 'instrumented run throws at the marked line');
        }
        for (const pattern of testCase.outcome ?? []) assert.match(JSON.stringify(view(plain)), pattern, 'the case exercised what it meant to');
      } catch (error) {
        failed = true;
        throw error;
      }
    });
  });
});
