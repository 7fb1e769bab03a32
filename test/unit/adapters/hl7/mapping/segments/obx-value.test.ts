// Covers V2-to-FHIR IG "Segment OBX to Observation Map" rows OBX-2/OBX-5/OBX-6 (value[x] per value
// type, units via "Datatype CWE[Quantity]"), and the AE/W findings with ERR-2 locations
// (HL7 table 0357: 101 required field missing, 102 data type error, 103 table value not found).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapObxValue } from '../../../../../../adapters/hl7/src/mapping/segments/obx-value';
import { at, contextWith } from '../support';

function run(obx: string): { content: ReturnType<typeof mapObxValue>; ctx: ReturnType<typeof contextWith> } {
  const ctx = contextWith('PID|1||1', 'OBR|1||F1|X^Y^LN', obx);
  return { content: mapObxValue(ctx, at(ctx, 'OBX')), ctx };
}

describe('mapObxValue', () => {
  it('NM → valueQuantity with UCUM units', () => {
    const { content, ctx } = run('OBX|1|NM|A^B^LN||7.25|g/dL');
    assert.deepEqual(content, {
      kind: 'value',
      value: { valueQuantity: { value: 7.25, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' } },
    });
    assert.deepEqual(ctx.errors, []);
    assert.deepEqual(ctx.warnings, []);
  });

  it('NM with an unmapped unit keeps the text and warns at OBX-6', () => {
    const { content, ctx } = run('OBX|1|NM|A^B^LN||3|bananas');
    assert.deepEqual(content, { kind: 'value', value: { valueQuantity: { value: 3, unit: 'bananas' } } });
    assert.equal(ctx.warnings[0]?.code.code, '103');
    assert.equal(ctx.warnings[0]?.severity, 'W');
    assert.deepEqual(ctx.warnings[0]?.location, { segment: 'OBX', sequence: 1, field: 6 });
  });

  it('NM that is not a number is an AE 102 at OBX-5', () => {
    const { content, ctx } = run('OBX|1|NM|A^B^LN||high|g/dL');
    assert.deepEqual(content, { kind: 'none' });
    assert.equal(ctx.errors[0]?.code.code, '102');
    assert.deepEqual(ctx.errors[0]?.location, { segment: 'OBX', sequence: 1, field: 5 });
  });

  it('ST/TX/FT → valueString, repetitions on separate lines, unescaped', () => {
    assert.deepEqual(run('OBX|1|TX|A^B^LN||a~b~c').content, { kind: 'value', value: { valueString: 'a\nb\nc' } });
    assert.deepEqual(run('OBX|1|FT|A^B^LN||x\\.br\\y \\T\\ z').content, {
      kind: 'value',
      value: { valueString: 'x\ny & z' },
    });
    assert.deepEqual(run('OBX|1|ST|A^B^LN||a^b').content, { kind: 'value', value: { valueString: 'a^b' } });
  });

  it('CE/CWE → valueCodeableConcept; an unknown coding system is only a warning', () => {
    const { content, ctx } = run('OBX|1|CWE|A^B^LN||POS^Positive^FOO');
    assert.equal(content.kind, 'value');
    assert.equal(content.kind === 'value' && content.value.valueCodeableConcept?.coding?.[0]?.code, 'POS');
    assert.deepEqual(ctx.errors, []);
    assert.equal(ctx.warnings[0]?.code.code, '103');
  });

  it('SN → Quantity with comparator, Range, Ratio', () => {
    assert.deepEqual(run('OBX|1|SN|A^B^LN||>^200|mg/dL').content, {
      kind: 'value',
      value: {
        valueQuantity: {
          value: 200,
          comparator: '>',
          unit: 'mg/dL',
          system: 'http://unitsofmeasure.org',
          code: 'mg/dL',
        },
      },
    });
    const range = run('OBX|1|SN|A^B^LN||^10^-^20').content;
    assert.ok(
      range.kind === 'value' && range.value.valueRange?.low?.value === 10 && range.value.valueRange.high?.value === 20,
    );
    const ratio = run('OBX|1|SN|A^B^LN||^1^:^64').content;
    assert.ok(ratio.kind === 'value' && ratio.value.valueRatio?.denominator?.value === 64);
    assert.equal(run('OBX|1|SN|A^B^LN||~^x').ctx.errors[0]?.code.code, '102');
  });

  it('DT/DTM/TS → valueDateTime, TM → valueTime, invalid → AE 102', () => {
    assert.deepEqual(run('OBX|1|DT|A^B^LN||20240229').content, {
      kind: 'value',
      value: { valueDateTime: '2024-02-29' },
    });
    assert.deepEqual(run('OBX|1|TS|A^B^LN||202402291200+0000').content, {
      kind: 'value',
      value: { valueDateTime: '2024-02-29T12:00:00+00:00' },
    });
    assert.deepEqual(run('OBX|1|TM|A^B^LN||1330').content, { kind: 'value', value: { valueTime: '13:30:00' } });
    assert.equal(run('OBX|1|DT|A^B^LN||20230229').ctx.errors[0]?.code.code, '102');
  });

  it('ED → an attachment for the report, not an Observation value', () => {
    const { content } = run('OBX|1|ED|PDF^Report^L||^AP^PDF^Base64^JVBERg==');
    assert.deepEqual(content, {
      kind: 'attachment',
      attachment: { contentType: 'application/pdf', data: 'JVBERg==', title: 'Report' },
    });
    assert.equal(run('OBX|1|ED|PDF^Report^L||^AP^PDF^Base64^@@@').ctx.errors[0]?.code.code, '102');
  });

  it('an unknown OBX-2 is AE 102 at OBX-2; a value without OBX-2 is AE 101; no value is no value', () => {
    const unknown = run('OBX|1|XX|A^B^LN||1');
    assert.deepEqual(unknown.ctx.errors[0]?.location, { segment: 'OBX', sequence: 1, field: 2 });
    assert.equal(unknown.ctx.errors[0]?.code.code, '102');
    assert.equal(run('OBX|1||A^B^LN||1').ctx.errors[0]?.code.code, '101');
    const empty = run('OBX|1|NM|A^B^LN|||||||X');
    assert.deepEqual(empty.content, { kind: 'none' });
    assert.deepEqual(empty.ctx.errors, []);
  });
});
