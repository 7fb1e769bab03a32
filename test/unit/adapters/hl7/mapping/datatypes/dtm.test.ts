// Covers HL7 v2.5.1 2A.3.22 DTM and 2A.3.72 TM → FHIR R4 date/dateTime/instant/time
// (https://hl7.org/fhir/R4/datatypes.html#dateTime); V2-to-FHIR IG "Datatype DTM[dateTime]".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dtmOffset, fhirOffset, parseDtm, parseTm } from '../../../../../../adapters/hl7/src/mapping/datatypes/dtm';

describe('parseDtm', () => {
  it('keeps the precision of dates without a time', () => {
    assert.deepEqual(parseDtm('2025'), { date: '2025', dateTime: '2025', instant: undefined, time: undefined });
    assert.equal(parseDtm('202503')?.dateTime, '2025-03');
    assert.equal(parseDtm('20250302')?.dateTime, '2025-03-02');
    assert.equal(parseDtm('20250302')?.instant, undefined);
  });

  it('writes times with seconds and the offset the value carries', () => {
    const p = parseDtm('20250302081500+0100');
    assert.equal(p?.dateTime, '2025-03-02T08:15:00+01:00');
    assert.equal(p?.instant, p?.dateTime);
    assert.equal(p?.date, '2025-03-02');
    assert.equal(p?.time, '08:15:00');
    assert.equal(parseDtm('202503020815')?.dateTime, '2025-03-02T08:15:00Z');
    assert.equal(parseDtm('2025030208')?.dateTime, '2025-03-02T08:00:00Z');
    assert.equal(parseDtm('20250302081530.1234-0500')?.dateTime, '2025-03-02T08:15:30.1234-05:00');
  });

  it("uses the default offset (MSH-7's) only when the value has none", () => {
    assert.equal(parseDtm('202503020815', '-0300')?.dateTime, '2025-03-02T08:15:00-03:00');
    assert.equal(parseDtm('202503020815+0200', '-0300')?.dateTime, '2025-03-02T08:15:00+02:00');
  });

  it('rejects impossible dates and times', () => {
    for (const bad of [
      '20251345',
      '20250230',
      '20250229',
      '2025030225',
      '202503021260',
      'abc',
      '2025-03-02',
      '20250',
    ]) {
      assert.equal(parseDtm(bad), undefined, bad);
    }
    assert.equal(parseDtm('20240229')?.date, '2024-02-29');
    assert.equal(parseDtm('20000229')?.date, '2000-02-29');
    assert.equal(parseDtm('19000229'), undefined);
  });
});

describe('parseTm, offsets', () => {
  it('parses TM into a FHIR time', () => {
    assert.equal(parseTm('0815'), '08:15:00');
    assert.equal(parseTm('081530.5+0100'), '08:15:30.5');
    assert.equal(parseTm('2561'), undefined);
  });

  it('reads and formats offsets', () => {
    assert.equal(dtmOffset('20250302120000+0100'), '+0100');
    assert.equal(dtmOffset('20250302120000'), undefined);
    assert.equal(fhirOffset('-0530'), '-05:30');
    assert.equal(fhirOffset(undefined), 'Z');
  });
});
