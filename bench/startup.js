'use strict';
// The start-up workload: a generated app of a few hundred CommonJS modules of the user's own code,
// loaded plainly, instrumented with an empty transform cache (cold) and instrumented again with the
// cache the cold start filled (warm). Only loading is measured: that is what the transform and its
// cache change.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MODULES = 300;
const REPORT_RESULT = path.join(__dirname, 'workloads', 'lib', 'report-result.js');

/** One module: a few async functions and a class, requiring the two modules before it. */
function moduleSource(i) {
  const deps = [i - 1, i - 2].filter((d) => d >= 0).map((d) => `require('./m${d}')`);
  return `'use strict';
const deps = [${deps.join(', ')}];
const tick = () => new Promise((resolve) => setImmediate(resolve));
let hits = 0;
const seen = new Map();

async function record(key) {
  const before = hits;
  await tick();
  hits = before + 1;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  return hits;
}

async function total(keys) {
  let sum = 0;
  for (const key of keys) {
    sum += await record(key);
  }
  return sum + deps.length;
}

class Store {
  constructor(name) {
    this.name = name;
    this.items = [];
    this.version = 0;
  }

  async put(item) {
    const version = this.version;
    await tick();
    this.items.push(item);
    this.version = version + 1;
  }

  async drain() {
    while (this.items.length > 0) {
      const item = this.items.shift();
      await record(\`\${this.name}:\${item}\`);
    }
  }
}

module.exports = { record, total, Store, id: ${i} };
`;
}

/** Writes the app into a fresh temporary project; its entry prints the JSON line bench/run.js reads. */
function generateStartupApp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncrace-bench-startup-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "startup-bench", "private": true }\n');
  let bytes = 0;
  for (let i = 0; i < MODULES; i++) {
    const source = moduleSource(i);
    bytes += source.length;
    fs.writeFileSync(path.join(dir, `m${i}.js`), source);
  }
  const requires = Array.from({ length: MODULES }, (_, i) => `require('./m${i}')`).join(',\n  ');
  fs.writeFileSync(
    path.join(dir, 'startup.js'),
    `'use strict';
const started = performance.now();
const modules = [
  ${requires},
];
require(${JSON.stringify(REPORT_RESULT)}).reportResult(performance.now() - started, { modules: modules.length });
`,
  );
  return { dir, modules: MODULES, bytes, cacheDir: path.join(dir, 'node_modules', '.cache', 'asyncrace') };
}

module.exports = { generateStartupApp };
