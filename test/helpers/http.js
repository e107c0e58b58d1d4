'use strict';
// A GET over a keep-alive agent, for driving the fixture service (tests and bench/staging.js).
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

module.exports = { get };
