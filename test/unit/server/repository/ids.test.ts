/**
 * Server-assigned ids: https://hl7.org/fhir/R4/datatypes.html#id (format) and RFC 9562 UUIDv7
 * (time ordering, DESIGN.md "FHIR conventions").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidId, newId } from '../../../../server/src/repository/ids';

describe('ids', () => {
  it('generates valid, unique, strictly increasing UUIDv7 ids', () => {
    const generated = Array.from({ length: 5000 }, () => newId());
    assert.equal(new Set(generated).size, generated.length);
    for (let i = 1; i < generated.length; i++) {
      assert.ok((generated[i] as string) > (generated[i - 1] as string), `${generated[i]} after ${generated[i - 1]}`);
    }
    for (const id of generated.slice(0, 50)) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.ok(isValidId(id));
    }
  });

  it('embeds the creation time in the first 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    assert.ok(ms >= before && ms <= Date.now());
  });

  it('accepts only FHIR id syntax', () => {
    assert.ok(isValidId('abc-123.X'));
    assert.ok(!isValidId(''));
    assert.ok(!isValidId('a'.repeat(65)));
    assert.ok(!isValidId('has space'));
    assert.ok(!isValidId('slash/id'));
  });
});
