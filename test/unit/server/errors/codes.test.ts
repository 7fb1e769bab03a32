/**
 * Keeps the TESSERA_E_* catalog, the README error table and the code honest (STYLE.md habit 7).
 * Covers: https://hl7.org/fhir/R4/operationoutcome.html (issue.code values),
 * https://hl7.org/fhir/R4/http.html#2.21.0.17 (status codes).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { errorCodes } from '../../../../server/src/errors/codes';
import { fhirError, normalizeError } from '../../../../server/src/errors/outcome';

const root = join(__dirname, '..', '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('error code catalog', () => {
  const codes = Object.keys(errorCodes);

  it('names every code TESSERA_E_<AREA>_<WHAT>', () => {
    for (const code of codes) {
      assert.match(code, /^TESSERA_E_[A-Z][A-Z0-9]*_[A-Z_]+$/);
    }
  });

  it('documents every code in the README table with its status and issue code', () => {
    const rows = readme
      .split('\n')
      .filter((line) => line.startsWith('| `TESSERA_E_'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    for (const [code, spec] of Object.entries(errorCodes)) {
      const row = rows.find((cells) => cells[1] === `\`${code}\``);
      assert.ok(row, `${code} is missing from the README error table`);
      assert.equal(row[2], String(spec.status), `${code}: README status differs`);
      assert.equal(row[3], `\`${spec.issue}\``, `${code}: README issue code differs`);
    }
  });

  it('documents no code that does not exist', () => {
    const documented = [...readme.matchAll(/`(TESSERA_E_[A-Z_]+)`/g)].map((m) => m[1]);
    for (const code of documented) {
      assert.ok(codes.includes(code as string), `README mentions unknown code ${code}`);
    }
  });

  it('uses only error statuses', () => {
    for (const spec of Object.values(errorCodes)) {
      assert.ok(spec.status >= 400 && spec.status < 600);
    }
  });

  it('builds OperationOutcomes carrying the code in diagnostics and the expression', () => {
    const err = fhirError('TESSERA_E_FHIR_ID_MISMATCH', 'ids differ', 'Patient.id');
    assert.equal(err.status, 400);
    assert.equal(err.outcome.issue?.[0]?.code, 'invalid');
    assert.equal(err.outcome.issue?.[0]?.diagnostics, 'TESSERA_E_FHIR_ID_MISMATCH');
    assert.deepEqual(err.outcome.issue?.[0]?.expression, ['Patient.id']);
  });

  it('turns unknown errors into a 500 without leaking their message', () => {
    const err = normalizeError(new Error('secret stack detail'));
    assert.equal(err.status, 500);
    assert.ok(!JSON.stringify(err.outcome).includes('secret'));
  });
});
