// Covers HL7 v2.5.1 chapter 2, section 2.5.2 segment groups as ORU^R01 (chapter 7) and OML^O21
// (chapter 4) define them: PATIENT → ORDER (ORC/OBR) → OBSERVATION (OBX+NTE) and SPECIMEN (SPM+OBX);
// NTE attaches to the segment before it; Z-segments never fatal; OBX without OBR is AE 100.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { groupSegments } from '../../../../../../adapters/hl7/src/mapping/messages/groups';
import { contextWith } from '../support';

describe('groupSegments', () => {
  it('groups patients, orders (ORC with its OBR, or OBR alone), observations, specimens and notes', () => {
    const ctx = contextWith(
      'PID|1||A',
      'PV1|1|O',
      'ORC|RE|P1',
      'OBR|1|P1',
      'NTE|1||on OBR',
      'OBX|1|ST|X^Y^LN||a||||||F',
      'NTE|1||on OBX 1',
      'ZZZ|ignored',
      'NTE|1||after Z: dropped',
      'SPM|1|S1',
      'OBX|2|ST|X^Y^LN||b||||||F',
      'OBR|2|P2',
      'OBX|1|ST|X^Y^LN||c||||||F',
      'PID|1||B',
      'OBR|1|P3',
    );
    const patients = groupSegments(ctx);
    assert.equal(patients.length, 2);
    const [first, second] = patients;
    assert.equal(first?.pv1?.seq, 1);
    assert.equal(first?.orders.length, 2);
    const o1 = first?.orders[0];
    assert.equal(o1?.orc?.seq, 1);
    assert.equal(o1?.obr?.seq, 1);
    assert.deepEqual(
      o1?.notes.map((n) => n.seq),
      [1],
    );
    assert.deepEqual(
      o1?.observations.map((o) => o.obx.seq),
      [1, 2],
    );
    assert.deepEqual(
      o1?.observations[0]?.notes.map((n) => n.seq),
      [2],
    );
    assert.equal(o1?.observations[0]?.specimen, undefined);
    assert.equal(o1?.observations[1]?.specimen?.spm.seq, 1);
    assert.equal(first?.orders[1]?.orc, undefined);
    assert.equal(first?.orders[1]?.obr?.seq, 2);
    assert.equal(second?.pid?.seq, 2);
    assert.equal(second?.orders[0]?.obr?.seq, 3);
    assert.deepEqual(ctx.errors, []);
  });

  it('reports an OBX before any OBR as a segment sequence error (100)', () => {
    const ctx = contextWith('PID|1||A', 'OBX|1|ST|X^Y^LN||a||||||F');
    groupSegments(ctx);
    assert.deepEqual(
      ctx.errors.map((e) => [e.code.code, e.location]),
      [['100', { segment: 'OBX', sequence: 1 }]],
    );
  });
});
