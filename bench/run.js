'use strict';
// `npm run bench`: runs each workload plain and instrumented, alternating, and prints the ratios;
// then the start-up of a generated app of a few hundred modules: plain, cold cache, warm cache;
// then `asyncrace report` over a generated log of a million lines (report.js), and an HTTP service
// in staging mode, with and without sampling, against the plain service (staging.js).
// Each run is a fresh child process, so one run's JIT state and heap never leak into the next.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { median, table, ms, ratio } = require('./format');
const { benchReport, describeReport } = require('./report');
const { benchStaging, describeStaging } = require('./staging');
const { generateStartupApp } = require('./startup');

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
const REGISTER = path.resolve(__dirname, '..', 'dist', 'src', 'hooks', 'register.js');
const PRELOAD_ASYNC_HOOKS = path.join(__dirname, 'preload-async-hooks.js');
// The hook instruments files under the working directory: run the workloads from their folder.
const WORKLOADS_DIR = path.join(__dirname, 'workloads');
const RESULTS = path.join(__dirname, 'results', 'latest.json');

/** How a workload is started, and what its JSON line must then say about itself. */
const VARIANTS = {
  plain: { args: [], instrumented: false, asyncHooks: false },
  instrumented: { args: ['--require', REGISTER], instrumented: true, asyncHooks: false },
  asyncHooks: { args: ['--require', PRELOAD_ASYNC_HOOKS], instrumented: false, asyncHooks: true },
  // `--stacks`: a stack captured at every tracked write, stamped read and async call.
  stacks: { args: ['--require', REGISTER], env: { ASYNCRACE_STACKS: 'all' }, instrumented: true, asyncHooks: false },
};

const WORKLOADS = [
  { name: 'await-heavy', variants: ['plain', 'instrumented', 'asyncHooks', 'stacks'] },
  { name: 'await-safe', variants: ['plain', 'instrumented'] },
  { name: 'sync-loop', variants: ['plain', 'instrumented'] },
  { name: 'objects', variants: ['plain', 'instrumented'] },
];

function runOnce(workload, variantName, cwd = WORKLOADS_DIR) {
  const variant = VARIANTS[variantName];
  const env = { ...process.env, ASYNCRACE_LOG: os.devNull };
  // An inherited NODE_OPTIONS (e.g. `asyncrace run -- npm run bench`) would instrument plain runs
  // too; an inherited ASYNCRACE_CACHE=0 would make the warm start-up a cold one.
  delete env.NODE_OPTIONS;
  delete env.ASYNCRACE_CACHE;
  delete env.ASYNCRACE_STACKS;
  Object.assign(env, variant.env);
  const started = performance.now();
  const child = spawnSync(process.execPath, [...variant.args, `${workload}.js`], {
    cwd,
    env,
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(`${workload} (${variantName}) failed with status ${child.status ?? child.signal}:\n${child.stderr}`);
  }
  const lines = child.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]);
  // A benchmark that silently measured the wrong thing is worse than none.
  if (result.instrumented !== variant.instrumented || result.asyncHooks !== variant.asyncHooks) {
    throw new Error(
      `${workload} (${variantName}) ran wrongly: expected instrumented=${variant.instrumented} ` +
        `asyncHooks=${variant.asyncHooks}, got ${JSON.stringify(result)}`,
    );
  }
  return { workMs: result.workMs, wallMs, maxRssKb: result.maxRssKb, races: result.races };
}

function summarize(runs) {
  return {
    workMs: median(runs.map((r) => r.workMs)),
    wallMs: median(runs.map((r) => r.wallMs)),
    maxRssKb: median(runs.map((r) => r.maxRssKb)),
    minWorkMs: Math.min(...runs.map((r) => r.workMs)),
    maxWorkMs: Math.max(...runs.map((r) => r.workMs)),
  };
}


async function main() {
  if (!fs.existsSync(REGISTER)) throw new Error(`${REGISTER} is missing: run \`npm run build\` first`);

  // runs[workload][variant] = [{ workMs, wallMs, maxRssKb, races }, ...]
  const runs = {};
  for (const { name, variants } of WORKLOADS) runs[name] = Object.fromEntries(variants.map((v) => [v, []]));
  const app = generateStartupApp();
  const startup = { plain: [], cold: [], warm: [] };

  // Alternate the variants within each round, so drift in machine load hits them alike.
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`round ${round}/${ROUNDS}:`);
    for (const { name, variants } of WORKLOADS) {
      for (const variant of variants) {
        runs[name][variant].push(runOnce(name, variant));
        process.stderr.write(` ${name}/${variant}`);
      }
    }
    // Cold: the cache emptied first; warm: the cache the cold start just filled.
    startup.plain.push(runOnce('startup', 'plain', app.dir));
    fs.rmSync(app.cacheDir, { recursive: true, force: true });
    startup.cold.push(runOnce('startup', 'instrumented', app.dir));
    startup.warm.push(runOnce('startup', 'instrumented', app.dir));
    process.stderr.write(' startup/plain startup/cold startup/warm\n');
  }
  fs.rmSync(app.dir, { recursive: true, force: true });

  const summary = {};
  for (const { name, variants } of WORKLOADS) {
    summary[name] = Object.fromEntries(variants.map((v) => [v, summarize(runs[name][v])]));
  }

  const rows = [['workload', 'plain work ms', 'instrumented work ms', 'work ratio', 'wall ratio', 'peak RSS ratio']];
  for (const { name } of WORKLOADS) {
    const { plain, instrumented } = summary[name];
    rows.push([
      name,
      ms(plain.workMs),
      ms(instrumented.workMs),
      ratio(instrumented.workMs, plain.workMs),
      ratio(instrumented.wallMs, plain.wallMs),
      ratio(instrumented.maxRssKb, plain.maxRssKb),
    ]);
  }

  console.log(`\nasyncrace bench: node ${process.version}, ${os.cpus().length} CPUs, ${ROUNDS} rounds, medians`);
  console.log(table(rows));

  const heavy = summary['await-heavy'];
  console.log(
    `\nreference, await-heavy with an empty async_hooks init hook (no asyncrace): ` +
      `${ms(heavy.asyncHooks.workMs)} ms, ${ratio(heavy.asyncHooks.workMs, heavy.plain.workMs)} plain work time`,
  );
  console.log(
    `with --stacks (ASYNCRACE_STACKS=all), await-heavy instrumented: ` +
      `${ms(heavy.stacks.workMs)} ms, ${ratio(heavy.stacks.workMs, heavy.plain.workMs)} plain work time`,
  );
  const races = WORKLOADS.map(({ name }) => `${name} ${runs[name].instrumented[0].races}`).join(', ');
  console.log(`distinct races reported per instrumented run: ${races}`);

  const startupSummary = Object.fromEntries(Object.entries(startup).map(([variant, list]) => [variant, summarize(list)]));
  const startupRows = [['start-up', 'wall ms', 'wall ratio']];
  for (const [variant, label] of [['plain', 'plain'], ['cold', 'instrumented, cold cache'], ['warm', 'instrumented, warm cache']]) {
    const { wallMs } = startupSummary[variant];
    startupRows.push([label, ms(wallMs), ratio(wallMs, startupSummary.plain.wallMs)]);
  }
  console.log(`\nstart-up: ${app.modules} generated modules (${Math.round(app.bytes / 1024)} KB) loaded, medians`);
  console.log(table(startupRows));

  process.stderr.write('asyncrace report on a generated log\n');
  const report = benchReport();
  console.log(`\n${describeReport(report)}`);

  process.stderr.write('staging mode, HTTP service: ');
  const staging = await benchStaging({ progress: (text) => process.stderr.write(text) });
  console.log(`\n${describeStaging(staging)}`);

  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  const results = {
    date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rounds: ROUNDS, summary, runs,
    startup: { modules: app.modules, bytes: app.bytes, summary: startupSummary, runs: startup }, report, staging,
  };
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`raw results: ${path.relative(process.cwd(), RESULTS)}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
