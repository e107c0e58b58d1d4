'use strict';
// Driving the fixture service (fixtures/staging-service) from the tests and bench/staging.js.
const http = require('node:http');

/** GET `url` from 127.0.0.1:`port` through `agent`: the body; rejects on an error or a status other than 200. */
function get(agent, port, url) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode} ${body}`))));
      })
      .on('error', reject);
  });
}

/** The port a started service prints as `listening <port>`; rejects if it exits first (with its stderr, if piped). */
function listeningPort(service) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    service.stdout.on('data', (data) => {
      out += data;
      const match = /listening (\d+)\n/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    service.stderr?.on('data', (data) => (err += data));
    service.on('close', (code, signal) => reject(new Error(`the service ended (${code ?? signal}) before listening:\n${err}`)));
  });
}

module.exports = { get, listeningPort };
