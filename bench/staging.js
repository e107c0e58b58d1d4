'use strict';
// `node bench/staging.js`: what staging mode costs a real HTTP service. fixtures/staging-service (a
// node:http server on 127.0.0.1: racy and safe handlers, short tasks, per-request Map entries) runs
// plainly, in staging mode, and in staging mode tracking a tenth of the requests (ASYNCRACE_SAMPLE=0.1),
// alternately, each in a fresh process; a separate load process (node http, keep-alive) sends it a
// fixed number of requests after a warm-up and measures requests/s and p50/p99 latency. Prints the
// medians over the rounds and the ratios to the plain service; `benchStaging()` returns the figures.

const { spawn } = require('node:child_process');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { get, listeningPort } = require('../test/helpers/http');
const { cleanEnv } = require('../test/helpers/run');
const { median, table, ratio } = require('./format');

const REGISTER = path.resolve(__dirname, '..', 'dist', 'src', 'hooks', 'register.js');
const SERVICE = path.resolve(__dirname, '..', 'fixtures', 'staging-service');
const PATHS = ['/hit', '/visit?user=ann', '/safe', '/safe', '/visit?user=bob', '/safe'];

const VARIANTS = {
  plain: { args: [], env: {}, instrumented: false },
  staging: { args: ['--require', REGISTER], env: { ASYNCRACE_MODE: 'staging' }, instrumented: true },
  'staging, sample 0.1': { args: ['--require', REGISTER], env: { ASYNCRACE_MODE: 'staging', ASYNCRACE_SAMPLE: '0.1' }, instrumented: true },
};

// --- the load process: `node bench/staging.js --load <port> <requests> <connections> <warm-up>` ---

/** Sends `requests` requests over `connections` keep-alive connections; each one's latency, in ms. */
async function sendRequests(agent, port, requests, connections) {
  const latencies = [];
  let next = 0;
  const connection = async () => {
    while (next < requests) {
      const url = PATHS[next++ % PATHS.length];
      const sent = performance.now();
      await get(agent, port, url);
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: connections }, connection));
  return latencies;
}

async function load(port, requests, connections, warmUp) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  await sendRequests(agent, port, warmUp, connections);
  const started = performance.now();
  const latencies = (await sendRequests(agent, port, requests, connections)).sort((a, b) => a - b);
  const ms = performance.now() - started;
  const stats = JSON.parse(await get(agent, port, '/stats'));
  agent.destroy();
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(JSON.stringify({ requestsPerSecond: (requests / ms) * 1000, p50Ms: at(0.5), p99Ms: at(0.99), instrumented: stats.instrumented }));
}

// --- the harness ---

/** One round of one variant: the service started fresh, loaded by a separate process, stopped. */
async function runOnce(variantName, { requests, connections, warmUp }) {
  const variant = VARIANTS[variantName];
  // Inherited NODE_OPTIONS or ASYNCRACE_* (`asyncrace run -- node bench/staging.js`) would instrument
  // the plain service, or the load process.
  const plainEnv = cleanEnv();
  const env = { ...plainEnv, ASYNCRACE_LOG: os.devNull, ...variant.env };
  const service = spawn(process.execPath, [...variant.args, 'server.js'], { cwd: SERVICE, env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await listeningPort(service);
    const output = await new Promise((resolve, reject) => {
      const args = [__filename, '--load', String(port), String(requests), String(connections), String(warmUp)];
      const loader = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: plainEnv });
      let text = '';
      loader.stdout.on('data', (data) => (text += data));
      loader.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`the load process failed (${code})`))));
    });
    const result = JSON.parse(output.trim().split('\n').at(-1));
    // A benchmark that silently measured the wrong thing is worse than none.
    if (result.instrumented !== variant.instrumented) throw new Error(`the ${variantName} service ran with instrumented=${result.instrumented}`);
    return result;
  } finally {
    if (service.exitCode === null && service.signalCode === null) {
      const exited = new Promise((resolve) => service.once('close', resolve));
      service.kill('SIGTERM');
      await exited;
    }
  }
}

/**
 * Runs every variant `rounds` times, alternately (so drift in machine load hits them alike), and
 * returns the medians per variant: `{ plain: { requestsPerSecond, p50Ms, p99Ms }, ... }`, with the
 * settings used.
 */
async function benchStaging({ rounds = Number(process.env.BENCH_ROUNDS) || 3, requests = 20_000, connections = 32, warmUp = 3_000, progress = () => {} } = {}) {
  const runs = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));
  for (let round = 1; round <= rounds; round++) {
    progress(`round ${round}/${rounds}:`);
    for (const name of Object.keys(VARIANTS)) {
      runs[name].push(await runOnce(name, { requests, connections, warmUp }));
      progress(` ${name}`);
    }
    progress('\n');
  }
  const summary = {};
  for (const [name, list] of Object.entries(runs)) {
    summary[name] = {
      requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
      p50Ms: median(list.map((r) => r.p50Ms)),
      p99Ms: median(list.map((r) => r.p99Ms)),
    };
  }
  return { rounds, requests, connections, warmUp, summary, runs };
}


/** The figures as `npm run bench` prints them. */
function describeStaging({ rounds, requests, connections, summary }) {
  const plain = summary.plain;
  const rows = [['service', 'requests/s', 'p50 ms', 'p99 ms', 'throughput ratio', 'p50 ratio', 'p99 ratio']];
  for (const [name, s] of Object.entries(summary)) {
    rows.push([name, s.requestsPerSecond.toFixed(0), s.p50Ms.toFixed(2), s.p99Ms.toFixed(2), ratio(s.requestsPerSecond, plain.requestsPerSecond), ratio(s.p50Ms, plain.p50Ms), ratio(s.p99Ms, plain.p99Ms)]);
  }
  return `staging mode: an HTTP service, ${requests} requests over ${connections} keep-alive connections, node ${process.version}, ${os.cpus().length} CPUs, ${rounds} rounds, medians\n${table(rows)}`;
}

async function main() {
  console.log(`\n${describeStaging(await benchStaging({ progress: (text) => process.stderr.write(text) }))}`);
}

if (process.argv[2] === '--load') {
  const [port, requests, connections, warmUp] = process.argv.slice(3).map(Number);
  load(port, requests, connections, warmUp).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
} else if (require.main === module) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}

module.exports = { benchStaging, describeStaging };
