// Covers HL7 v2.5.1 chapter 2: 2.5 construction rules (sparse fields, "" null, subcomponents),
// 2.5.4 delimiters and the CR segment terminator, 2.7.1 escaping; tested by round trip
// (build, parse, compare), with default and custom delimiters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseText } from '../../../../../adapters/hl7/src/message/parse';
import { serializeMessage, serializeSegment } from '../../../../../adapters/hl7/src/message/serialize';
import type { SegmentInput } from '../../../../../adapters/hl7/src/message/serialize';
import { DEFAULT_DELIMITERS } from '../../../../../adapters/hl7/src/message/delimiters';
import type { Hl7Delimiters } from '../../../../../adapters/hl7/src/message/delimiters';

const msh: SegmentInput = {
  id: 'MSH',
  fields: { 3: 'APP', 9: ['ORU', 'R01', 'ORU_R01'], 10: 'C1', 11: 'P', 12: '2.5.1' },
};
const nasty = 'a|b^c~d\\e&f\ng\rh ""';

const custom: Hl7Delimiters = { field: '#', component: ':', repetition: '*', escape: '!', subcomponent: '@' };

for (const delimiters of [DEFAULT_DELIMITERS, custom]) {
  describe(`round trip with delimiters ${delimiters.field}`, () => {
    const segments: SegmentInput[] = [
      msh,
      {
        id: 'OBX',
        fields: {
          1: '1',
          3: [['code', 'sub|two'], 'text^with delimiters'],
          5: { repetitions: [nasty, ['x', undefined, 'z'], null] },
          7: null,
          9: '',
          12: '""',
        },
      },
      { id: 'ZXT', fields: { 2: [['A', 'B']] } },
    ];
    const text = serializeMessage(segments, delimiters);
    const m = parseText(text);

    it('ends segments with CR only and declares the delimiters in MSH-1/MSH-2', () => {
      assert.equal(text.split('\r').length, 4);
      assert.equal(text.includes('\n'), false);
      assert.equal(m.delimiters.field, delimiters.field);
      assert.equal(m.delimiters.escape, delimiters.escape);
      assert.deepEqual(m.messageType, { code: 'ORU', trigger: 'R01', structure: 'ORU_R01' });
    });

    it('keeps values containing every delimiter', () => {
      const obx = m.get('OBX');
      assert.equal(obx?.field(5)?.value(), nasty);
      assert.equal(obx?.field(3)?.subcomponent(1, 2), 'sub|two');
      assert.equal(obx?.field(3)?.component(2), 'text^with delimiters');
    });

    it('keeps sparse fields in position, null distinct from empty, a literal "" as text', () => {
      const obx = m.get('OBX');
      assert.equal(obx?.value(1), '1');
      assert.equal(obx?.value(2), '');
      assert.equal(obx?.value(7), null);
      assert.equal(obx?.value(9), '');
      assert.equal(obx?.value(12), '""');
      assert.equal(obx?.field(13), undefined);
      assert.equal(obx?.field(5)?.repetition(2)?.component(2), '');
      assert.equal(obx?.field(5)?.repetition(2)?.component(3), 'z');
      assert.equal(obx?.field(5)?.repetition(3)?.value(), null);
    });

    it('keeps subcomponents as subcomponents', () => {
      const f = m.get('ZXT')?.field(2);
      assert.equal(f?.repetitions.length, 1);
      assert.deepEqual(f?.repetitions[0]?.components, [['A', 'B']]);
      assert.equal(m.get('ZXT')?.value(1), '');
    });
  });
}

describe('serializeSegment', () => {
  it('drops trailing empty positions', () => {
    assert.equal(serializeSegment({ id: 'PID', fields: { 3: ['1', '', ''], 5: '' } }), 'PID|||1');
  });
  it('writes MSH-2 from the delimiters', () => {
    assert.equal(serializeSegment({ id: 'MSH', fields: { 2: 'ignored', 3: 'A' } }, custom), 'MSH#:*!@#A');
  });
});
