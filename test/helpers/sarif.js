'use strict';
// Validating SARIF against the official 2.1.0 schema, vendored in test/schemas/.
const assert = require('node:assert/strict');
const Ajv2020 = require('ajv/dist/2020').default;

/**
 * The official schema (test/schemas/README.md). Ajv2020 for its `$schema` (2020-12); `format`s are
 * annotations there (ajv-formats is not installed either); the schema has a malformed `anyOf`
 * under region.properties that Ajv's meta-schema check rejects, so that check is off; and one of
 * its patterns, `^(?i)…`, uses a PCRE inline flag that JavaScript spells as the `i` flag.
 */
function sarifValidator() {
  const regExp = (pattern, flags) =>
    pattern.startsWith('^(?i)') ? new RegExp(`^${pattern.slice('^(?i)'.length)}`, `${flags}i`) : new RegExp(pattern, flags);
  regExp.code = 'regExp';
  const ajv = new Ajv2020({ strict: false, validateSchema: false, validateFormats: false, allErrors: true, code: { regExp } });
  return ajv.compile(require('../schemas/sarif-schema-2.1.0.json'));
}

/** Ajv's validate function: true or false, and its `errors` after a false. */
const validateSarif = sarifValidator();

function assertValidSarif(sarif) {
  assert.ok(validateSarif(sarif), `not valid SARIF 2.1.0:\n${JSON.stringify(validateSarif.errors, null, 2)}`);
}

module.exports = { validateSarif, assertValidSarif };
