// Covers each hl7-standard gap listed in issue 3 ("Parsing with hl7-standard"), against HL7 v2.5.1
// chapter 2: 2.5 message construction (segment order, "" null, Z-segments), 2.5.4 delimiters and
// segment terminators, 2.7 escape sequences, 2.14.9.1-2 MSH-1/MSH-2. For every gap, one test pins
// what raw hl7-standard does (it fails if a new version changes that) and one shows that
// parseMessage closes it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import HL7 from 'hl7-standard';
import { parseMessage } from '../../../../../adapters/hl7/src/message/parse';

const MSH = 'MSH|^~\\&|LIS|LAB|TESSERA|HOSP|20260101120000||ORU^R01^ORU_R01|MSG0001|P|2.5.1';

/** What hl7-standard's transform() makes of a text. */
function transform(text: string): HL7 {
  const hl7 = new HL7(text);
  hl7.transform();
  return hl7;
}

/** The raw data of the first segment of a type. */
function data(hl7: HL7, type: string): HL7.Segment['data'] {
  const segment = hl7.transformed[type]?.[0];
  assert.ok(segment, `hl7-standard has no ${type}`);
  return segment.data;
}

function bytes(...segments: string[]): Buffer {
  return Buffer.from(segments.join('\r') + '\r', 'utf8');
}

describe('gap: no escape decoding (2.7)', () => {
  const obx = 'OBX|1|TX|||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X41\\\\.br\\g';

  it('hl7-standard returns escape sequences literally', () => {
    assert.equal(data(transform(`${MSH}\r${obx}\r`), 'OBX')['OBX.5'], 'a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X41\\\\.br\\g');
  });

  it('parseMessage decodes every sequence', () => {
    assert.equal(parseMessage(bytes(MSH, obx)).get('OBX')?.value(5), 'a|b^c&d~e\\fA\ng');
  });
});

describe('gap: custom MSH-1/MSH-2 delimiters ignored, MSH-2 overwritten (2.5.4, 2.14.9.2)', () => {
  const customField = ['MSH#^~\\&#LIS#LAB#T#H#20260101##ADT^A01#C1#P#2.5.1', 'PID#1##id1^^^AUTH'];
  const customEncoding = ['MSH|:*!@|LIS|LAB|T|H|20260101||ADT:A01|C1|P|2.5.1', 'PID|1||id1:::AUTH*id2|x^y!F!z'];

  it('hl7-standard drops every line of a message whose field separator is not |', () => {
    assert.deepEqual(transform(customField.join('\r') + '\r').transformed, {});
  });

  it('hl7-standard splits on ^~& whatever MSH-2 says, and overwrites MSH-2', () => {
    const hl7 = transform(customEncoding.join('\r') + '\r');
    assert.equal(data(hl7, 'MSH')['MSH.2'], '^~\\&');
    assert.equal(data(hl7, 'PID')['PID.3'], 'id1:::AUTH*id2');
    assert.deepEqual(data(hl7, 'PID')['PID.4'], { 'PID.4.1': 'x', 'PID.4.2': 'y!F!z' });
  });

  it('parseMessage honours the declared delimiters and keeps MSH-1/MSH-2 as sent', () => {
    const a = parseMessage(bytes(...customField));
    assert.equal(a.header.field(1)?.value(), '#');
    assert.equal(a.messageType.trigger, 'A01');
    assert.equal(a.get('PID')?.field(3)?.component(4), 'AUTH');
    const b = parseMessage(bytes(...customEncoding));
    assert.equal(b.header.field(2)?.value(), ':*!@');
    assert.equal(b.messageType.trigger, 'A01');
    assert.equal(b.get('PID')?.field(3)?.repetition(2)?.value(), 'id2');
    assert.equal(b.get('PID')?.field(4)?.value(), 'x^y|z');
    assert.equal(b.get('PID')?.field(4)?.repetitions[0]?.components.length, 1);
  });
});

describe('gap: mixed \\r / \\n / \\r\\n segment endings (2.5.4)', () => {
  it('hl7-standard throws on some mixes and silently merges segments on others', () => {
    assert.throws(() => transform(`${MSH}\rPID|1\rPV1|1\r\nOBR|1\r`), /invalid EOL/);
    const merged = transform(`${MSH}\r\nPID|1\nPV1|1\rOBR|1\r\n`);
    assert.deepEqual(Object.keys(merged.transformed), ['MSH', 'PID']);
    assert.equal(data(merged, 'PID')['PID.1'], '1\nPV1');
  });

  it('hl7-standard throws on a single segment without a terminator', () => {
    assert.throws(() => transform(MSH), /line endings/);
  });

  it('parseMessage reads every segment, in order, whatever the endings', () => {
    for (const text of [`${MSH}\rPID|1\rPV1|1\r\nOBR|1\r`, `${MSH}\r\nPID|1\nPV1|1\rOBR|1\r\n`]) {
      assert.deepEqual(
        parseMessage(Buffer.from(text)).segments.map((s) => s.id),
        ['MSH', 'PID', 'PV1', 'OBR'],
      );
    }
    assert.equal(parseMessage(Buffer.from(MSH)).controlId, 'MSG0001');
  });
});

describe('gap: get() is type-unstable and throws on a missing segment index', () => {
  const text = `${MSH}\rPID|1||a^b|c~d|e\r`;

  it('hl7-standard get() answers an object, a string or null by content, and throws past the last PID', () => {
    const hl7 = transform(text);
    // The field holds an array of repetitions; get() answers only the first, as an object.
    assert.ok(Array.isArray(data(hl7, 'PID')['PID.4']));
    assert.deepEqual(hl7.get('PID.3'), { 'PID.3.1': 'a', 'PID.3.2': 'b' });
    assert.deepEqual(hl7.get('PID.4'), { 'PID.4.1': 'c' });
    assert.equal(hl7.get('PID.5'), 'e');
    assert.equal(hl7.get('PID.9'), null);
    assert.throws(() => hl7.get('PID.3', 1), TypeError);
  });

  it('parseMessage returns Field objects and undefined for what is absent', () => {
    const m = parseMessage(Buffer.from(text));
    const pid = m.get('PID');
    for (const n of [3, 4, 5]) {
      assert.ok(pid?.field(n)?.repetitions[0]?.components[0], `PID-${n} has the same shape`);
    }
    assert.equal(pid?.field(3)?.component(2), 'b');
    assert.equal(pid?.field(4)?.repetition(2)?.value(), 'd');
    assert.equal(pid?.field(5)?.value(), 'e');
    assert.equal(m.get('PID', 2), undefined);
    assert.equal(pid?.field(9), undefined);
  });
});

describe('gap: getSegments() groups by type instead of message order (2.5)', () => {
  const text = `${MSH}\rOBR|1\rOBX|1\rNTE|a\rOBX|2\rNTE|b\r`;

  it('hl7-standard getSegments() returns the segments grouped by type', () => {
    const order = transform(text)
      .getSegments()
      .map((s) => `${s.type}${String(s.data[`${s.type}.1`])}`);
    assert.deepEqual(order.slice(1), ['OBR1', 'OBX1', 'OBX2', 'NTEa', 'NTEb']);
  });

  it('parseMessage keeps message order', () => {
    assert.deepEqual(
      parseMessage(Buffer.from(text)).segments.map((s) => `${s.id}${s.value(1) ?? ''}`),
      ['MSH|', 'OBR1', 'OBX1', 'NTEa', 'OBX2', 'NTEb'],
    );
  });
});

describe('gap: "" (the HL7 null, 2.5.3) comes back literally', () => {
  const pid = 'PID|1||""|^""';

  it('hl7-standard returns the two quotes', () => {
    const d = data(transform(`${MSH}\r${pid}\r`), 'PID');
    assert.equal(d['PID.3'], '""');
    assert.deepEqual(d['PID.4'], { 'PID.4.1': '', 'PID.4.2': '""' });
  });

  it('parseMessage returns null, distinct from empty', () => {
    const p = parseMessage(bytes(MSH, pid)).get('PID');
    assert.equal(p?.value(3), null);
    assert.equal(p?.value(4), '');
    assert.equal(p?.value(4, 2), null);
  });
});

describe('gap: a field holding only subcomponents (A&B) is read as repetitions (2.5.4)', () => {
  const obr = 'OBR|1|||||||||||||A&B|C~D';

  it('hl7-standard returns A&B as an array that get() indexes like the repetitions of C~D', () => {
    const hl7 = transform(`${MSH}\r${obr}\r`);
    assert.deepEqual(data(hl7, 'OBR')['OBR.14'], ['A', 'B']);
    assert.equal(hl7.get('OBR.14', 0, 1), 'B');
    assert.deepEqual(hl7.get('OBR.15', 0, 1), { 'OBR.15.1': 'D' });
  });

  it('parseMessage reads one repetition with one component holding two subcomponents', () => {
    const o = parseMessage(bytes(MSH, obr)).get('OBR');
    assert.equal(o?.field(14)?.repetitions.length, 1);
    assert.deepEqual(o?.field(14)?.repetitions[0]?.components, [['A', 'B']]);
    assert.equal(o?.field(15)?.repetitions.length, 2);
  });
});

describe('beyond the issue: Z-segment ids and segments without fields (2.5)', () => {
  it('hl7-standard throws on ids other than three capitals or digits and drops lines without |', () => {
    assert.throws(() => transform(`${MSH}\rzpi|1\r`), /invalid EOL/);
    assert.throws(() => transform(`${MSH}\rZX|1\r`), /invalid EOL/);
    const dropped = transform(`${MSH}\rNTE\rOBX|1\r`);
    assert.equal(dropped.transformed['NTE'], undefined);
    assert.equal(dropped.transformed['OBX']?.[0]?.index, 1);
  });

  it('parseMessage keeps every segment and its id as sent', () => {
    const m = parseMessage(bytes(MSH, 'zpi|1', 'ZX|2', 'ZPID|3', 'NTE', 'OBX|4'));
    assert.deepEqual(
      m.segments.map((s) => [s.id, s.value(1)]),
      [
        ['MSH', '|'],
        ['zpi', '1'],
        ['ZX', '2'],
        ['ZPID', '3'],
        ['NTE', undefined],
        ['OBX', '4'],
      ],
    );
  });
});
