'use strict';
// What the plugin instruments, as data: code in, and what the output must contain. The runtime
// calls are counted by name (`c` declares a location, `w` writes, `k` checks a dependent write,
// `v` stamps a read, `a`/`r` wrap an await, `e`/`x` enter and leave an async function; across
// functions: `f` captures a read that leaves its function, `h` hands a return value's flows on,
// `tr`/`tw` take them after a call or an awaited call, `pa`/`tp` hand an argument's to a parameter,
// `kf` checks a write against them, `s` gives a synchronous function a task).
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { transformSync } = require('@babel/core');
const plugin = require('../dist/babel-plugin');

function instrument(code) {
  return transformSync(code, { filename: '/project/file.js', babelrc: false, configFile: false, plugins: [plugin] }).code;
}
function untransformed(code) {
  return transformSync(code, { filename: '/project/file.js', babelrc: false, configFile: false }).code;
}
function calls(output) {
  const counts = {};
  for (const [, fn] of output.matchAll(/_asyncrace\.([a-z]+)\(/g)) counts[fn] = (counts[fn] ?? 0) + 1;
  return counts;
}
function cells(output) {
  return [...output.matchAll(/_asyncrace\.c\(_asyncraceModule, "([^"]+)"/g)].map((m) => m[1]).sort();
}

const cases = [
  {
    name: 'locals only their own function uses are left untouched',
    code: 'function f(a) { let x = a; x += 1; for (const y of [1]) x = x + y; return x; }\nconst k = f(1);',
    untouched: true,
  },
  {
    name: 'a module-level let that is written is a location; a const is not',
    code: 'let count = 0; const limit = 3; function bump() { count++; }',
    cells: ['count'],
    calls: { c: 1, w: 1, m: 1 },
  },
  {
    name: 'a module-level variable that is never written is not a location',
    code: 'let seed = 4; function read() { return seed; }',
    untouched: true,
  },
  {
    name: 'a local captured and written by a nested function is a location',
    code: 'async function total(items) { let sum = 0; await Promise.all(items.map(async (i) => { sum += await i; })); return sum; }',
    cells: ['sum'],
    // The second stamp is `return sum`: the value leaves the function (`f`, `h`).
    calls: { c: 1, e: 2, x: 2, a: 2, r: 2, w: 1, k: 1, v: 2, f: 1, h: 1, m: 1 },
  },
  {
    name: 'a local captured only for reading is not a location',
    code: 'async function f() { let n = 1; n = 2; return () => n; }',
    calls: { e: 1, x: 1, m: 1 },
    cells: [],
  },
  {
    name: 'a read flowing through a local into a write is stamped; the write is checked',
    code: 'let balance = 0;\nasync function credit() { const current = balance; await io(); balance = current + 1; }',
    calls: { v: 1, k: 1, w: 1 },
  },
  {
    name: 'a write that does not use the earlier read is not checked',
    code: "let status = 'idle';\nasync function run() { const s = status; await io(); status = 'done'; console.log(s); }",
    calls: { w: 1 },
    absent: ['k', 'v'],
  },
  {
    name: 'a read returned from a function is handed on; a write from a parameter is checked against what it carries',
    code: 'let balance = 0;\nfunction get() { return balance; }\nfunction put(value) { balance = value; }',
    calls: { s: 2, f: 1, h: 1, tp: 1, kf: 1, w: 1 },
    absent: ['e', 'k'],
  },
  {
    name: 'an arrow whose expression body is a shared read hands it on through a return of its own',
    code: 'let shared = 0;\nconst g = () => shared;\nconst f = () => g();\nasync function w() { shared = 1; }',
    calls: { h: 2, f: 1, tr: 1 },
    contains: [/\{[^}]*return _asyncrace\.h\(/],
  },
  {
    name: 'a call result carries flows through locals into the arguments of the next call',
    code: 'async function credit(n) { const b = await get(); await io(); await put(b + n); }\nfunction get() {}\nfunction put() {}',
    calls: { tw: 1, pa: 1, tp: 1 },
    absent: ['tr', 'h'],
  },
  {
    name: 'calls reached through globals hand nothing on and take nothing',
    code: 'let x = 0;\nasync function f() { const v = x; await io(); console.log(v); x = Math.max(v, 1); return setTimeout(() => v); }',
    calls: { k: 1 },
    absent: ['pa', 'tr', 'tw', 'h', 'f'],
  },
  {
    name: 'x = x + 1 with no await in between needs no stamp',
    code: 'let x = 0;\nasync function f() { await io(); x = x + 1; }',
    absent: ['k', 'v'],
  },
  {
    name: 'compound assignment with an await stamps its own read',
    code: 'let total = 0;\nasync function add() { total += await price(); }',
    calls: { v: 1, k: 1, w: 1, a: 1, r: 1 },
  },
  {
    name: 'logical assignment with an await is checked as a condition (kind 1)',
    code: 'let conn = null;\nasync function get() { conn ??= await connect(); }',
    contains: [/_asyncrace\.k\([^;]*, 1\)\)\)/],
  },
  {
    name: 'update expressions, destructuring and for-of targets are writes',
    code: 'let a = 0, b = 0, c;\nfunction f(list) { a++; --b; [a, b] = list; for (c of list); }',
    calls: { w: 5 },
  },
  {
    name: 'every await and for await is instrumented',
    code: 'async function f(it) { await 1; for await (const x of it) { await x; } }',
    calls: { a: 2, l: 1 },
  },
  {
    name: 'a module with top-level await is a task: its awaits suspend it, its dependent writes are checked',
    code: 'let x = 0;\nexport async function f() { x = 1; }\nconst v = x;\nawait io();\nx = v + 1;',
    calls: { e: 2, x: 2, a: 1, r: 1, v: 1, k: 1 },
  },
  {
    name: 'a module without top-level await is no task',
    code: 'let x = 0;\nexport async function f() { x = 1; }\nconst v = x;\nx = v + 1;',
    calls: { e: 1, x: 1 },
    absent: ['a', 'k'],
  },
  {
    name: "CommonJS exports at top level are left as written (Node scans them for an ES module's named imports)",
    code: 'let n = 0;\nmodule.exports = { n };\nexports.a = 1;\nmodule.exports.b = 2;\nfunction later() { exports.c = n; }\nasync function f() { n = 1; }',
    calls: { wp: 1 },
    contains: [/^module\.exports = \{\n  n\n\};\nexports\.a = 1;\nmodule\.exports\.b = 2;$/m],
  },
  {
    name: 'functions using eval are left alone',
    code: 'let x = 0;\nasync function f() { eval("x = 1"); x = 2; await 1; }',
    absent: ['e', 'a', 'w'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const output = instrument(c.code);
    if (c.untouched) {
      assert.equal(output, untransformed(c.code));
      return;
    }
    const counted = calls(output);
    for (const [fn, n] of Object.entries(c.calls ?? {})) assert.equal(counted[fn] ?? 0, n, `calls of ${fn} in:\n${output}`);
    for (const fn of c.absent ?? []) assert.equal(counted[fn], undefined, `no call of ${fn} in:\n${output}`);
    if (c.cells) assert.deepEqual(cells(output), c.cells);
    for (const pattern of c.contains ?? []) assert.match(output, pattern);
  });
}

test('sites are original 1-based lines and columns', () => {
  const output = instrument('let n = 0;\n\nasync function f() {\n  n += await g();\n}');
  const sites = output.match(/_asyncrace\.m\("\/project\/file\.js", \[([^\]]*)\]\)/)[1].split(', ').map(Number);
  const pairs = [];
  for (let i = 0; i < sites.length; i += 2) pairs.push(`${sites[i]}:${sites[i + 1]}`);
  // the declaration of n, the compound assignment (its read and its write), the await
  assert.deepEqual(new Set(pairs), new Set(['1:5', '4:3', '4:8']));
});

test('an ES module loads the runtime with import, a script with require', () => {
  assert.match(instrument('let x = 0; export function f() { x++; }'), /^import \* as _asyncrace from "asyncrace\/runtime";/);
  assert.match(instrument('let x = 0; function f() { x++; }'), /^var _asyncrace = require\("asyncrace\/runtime"\);/);
  // Top-level await and import.meta exist only in modules.
  assert.match(instrument('let x = 0; async function f() { x++; }\nawait f();'), /^import \* as _asyncrace/);
  assert.match(instrument('let x = import.meta.url; function f() { x = 1; }'), /^import \* as _asyncrace/);
});

test('the moduleType option overrides what the syntax suggests', () => {
  const withOptions = (code, options) =>
    transformSync(code, { filename: '/project/file.js', babelrc: false, configFile: false, plugins: [[plugin, options]] }).code;
  assert.match(withOptions('let x = 0; function f() { x++; }', { moduleType: 'esm', runtime: 'file:///rt.js' }), /^import \* as _asyncrace from "file:\/\/\/rt\.js";/);
  assert.match(withOptions('let x = 0; function f() { x++; }', { moduleType: 'cjs' }), /^var _asyncrace = require/);
});

test('compiled JavaScript with an inline source map reports positions in its original source', () => {
  const ts = require('typescript');
  const source = 'let balance: number = 0;\n\ntype Amount = number;\n\nexport async function credit(amount: Amount): Promise<void> {\n  const current: number = balance;\n  await io();\n  balance = current + amount;\n}\n';
  const { outputText } = ts.transpileModule(source, {
    fileName: '/project/src/bank.ts',
    compilerOptions: { inlineSourceMap: true, sourceRoot: '../src/', module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: true },
  });
  const output = transformSync(outputText, { filename: '/project/out/bank.js', babelrc: false, configFile: false, plugins: [plugin] }).code;
  const [, file, positions, generated] = output.match(/_asyncrace\.m\("([^"]+)", \[([^\]]*)\], \[\], "([^"]+)"\)/);
  assert.equal(file, '/project/src/bank.ts');
  // The compiled file is named too: the runtime traces stack frames in it through its map.
  assert.equal(generated, '/project/out/bank.js');
  const lines = new Set(positions.split(', ').filter((_, i) => i % 2 === 0).map(Number));
  // The declaration (1), the read (6), the await (7) and the write (8), as lines of the .ts file
  // (tsc's top-level `exports.credit = credit` is left as written, for Node's export scanner).
  assert.deepEqual([...lines].sort((a, b) => a - b), [1, 6, 7, 8]);
});
