// Covers HL7 v2.5.1 chapter 2: 2.5 message construction (segment order, Z-segments, "" null),
// 2.5.4 message delimiters (custom MSH-1/MSH-2, segment terminators), 2.7 escape sequences,
// 2.14.9 MSH header fields; and each hl7-standard gap listed in issue 3.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, parseSegment, parseText } from '../../../../../adapters/hl7/src/message/parse';
import { DEFAULT_DELIMITERS } from '../../../../../adapters/hl7/src/message/delimiters';
import type { Hl7Delimiters } from '../../../../../adapters/hl7/src/message/delimiters';
import type { Hl7Leaf } from '../../../../../adapters/hl7/src/message/model';
import { Hl7ParseError } from '../../../../../adapters/hl7/src/message/errors';

const MSH = 'MSH|^~\\&|LIS|LAB^1.2.3^ISO|TESSERA|HOSP|20260101120000||ORU^R01^ORU_R01|MSG0001|P|2.5.1|||AL|NE';

function msg(...segments: string[]): Buffer {
  return Buffer.from(segments.join('\r') + '\r', 'utf8');
}

describe('parseMessage header helpers (2.14.9)', () => {
  it('reads MSH fields', () => {
    const m = parseMessage(msg(MSH, 'PID|1||123^^^MRN'));
    assert.deepEqual(m.messageType, { code: 'ORU', trigger: 'R01', structure: 'ORU_R01' });
    assert.equal(m.controlId, 'MSG0001');
    assert.equal(m.processingId, 'P');
    assert.equal(m.version, '2.5.1');
    assert.equal(m.sendingApplication?.value(), 'LIS');
    assert.equal(m.sendingFacility?.component(2), '1.2.3');
    assert.equal(m.acceptAckType, 'AL');
    assert.equal(m.applicationAckType, 'NE');
    assert.equal(m.characterSet, undefined);
    assert.equal(m.header.field(1)?.value(), '|');
    assert.equal(m.header.field(2)?.value(), '^~\\&');
  });
});

describe('escape sequences (2.7)', () => {
  it('unescapes delimiters, hex and line breaks in every value', () => {
    const m = parseMessage(msg(MSH, 'OBX|1|TX|||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f~x\\.br\\y^\\X4D\\\\X6FC3BC\\'));
    const f = m.get('OBX')?.field(5);
    assert.equal(f?.value(), 'a|b^c&d~e\\f');
    assert.equal(f?.repetition(2)?.component(1), 'x\ny');
    assert.equal(f?.repetition(2)?.component(2), 'Moü');
  });

  it('keeps unknown escapes literally', () => {
    const m = parseMessage(msg(MSH, 'NTE|1||\\H\\bold\\N\\ and \\Zfoo\\'));
    assert.equal(m.get('NTE')?.value(3), '\\H\\bold\\N\\ and \\Zfoo\\');
  });
});

describe('custom delimiters (2.5.4)', () => {
  it('honours MSH-1/MSH-2 and keeps MSH-2 as sent', () => {
    const raw = msg('MSH#:*!@#A#F#R#G#20260101##ADT:A01#C1#P#2.5.1', 'PID#1##id1:::AUTH*id2:::AUTH2#x!F!y@z');
    const m = parseMessage(raw);
    assert.equal(m.delimiters.field, '#');
    assert.equal(m.header.field(2)?.value(), ':*!@');
    assert.equal(m.messageType.trigger, 'A01');
    const pid3 = m.get('PID')?.field(3);
    assert.equal(pid3?.repetitions.length, 2);
    assert.equal(pid3?.repetition(2)?.component(4), 'AUTH2');
    assert.equal(m.get('PID')?.field(4)?.value(), 'x#y');
    assert.equal(m.get('PID')?.field(4)?.subcomponent(1, 2), 'z');
  });
});

describe('custom delimiters that swap or reuse the standard ones (2.5.4)', () => {
  it('reads standard delimiter characters as data when the message declares others', () => {
    const m = parseMessage(msg('MSH#:*!@#A#F#R#G#20260101##ADT:A01#C1#P#2.5.1', 'NTE#1##a|b^c~d&e\\f:g@h*i'));
    const f = m.get('NTE')?.field(3);
    assert.equal(f?.repetitions.length, 2);
    assert.deepEqual(f?.repetitions[0]?.components, [['a|b^c~d&e\\f'], ['g', 'h']]);
    assert.equal(f?.repetition(2)?.value(), 'i');
  });

  it('honours delimiters that are the standard characters in other roles', () => {
    // field ^, component |, repetition &, escape ~, subcomponent \
    const m = parseMessage(msg('MSH^|&~\\^A^F^R^G^20260101^^ORU|R01^C1^P^2.5.1', 'OBX^1^CE^^^x|y\\z&w~F~v'));
    assert.equal(m.delimiters.component, '|');
    assert.equal(m.messageType.trigger, 'R01');
    const f = m.get('OBX')?.field(5);
    assert.deepEqual(f?.repetitions[0]?.components, [['x'], ['y', 'z']]);
    assert.equal(f?.repetition(2)?.value(), 'w^v');
  });

  it('keeps private-use and other non-delimiter characters untouched', () => {
    const m = parseMessage(msg('MSH#:*!@#A#F#R#G#20260101##ADT:A01#C1#P#2.5.1', 'NTE#1##\uE000|\uE001^\uFFFD'));
    assert.equal(m.get('NTE')?.value(3), '\uE000|\uE001^\uFFFD');
  });
});

describe('segment lines', () => {
  it('ignores a byte order mark, leading blanks and empty lines, and needs no final terminator', () => {
    const m = parseText(`\uFEFF${MSH}\r\r  PID|1\n\nOBR|1`);
    assert.deepEqual(
      m.segments.map((s) => s.id),
      ['MSH', 'PID', 'OBR'],
    );
  });

  it('parses one segment line on its own, whatever its id', () => {
    for (const id of ['PID', 'FHS', 'BHS', 'zpi', 'Z']) {
      const s = parseSegment(`${id}|1|a^b&c~d|""`, DEFAULT_DELIMITERS, 'utf8');
      assert.equal(s.id, id);
      assert.deepEqual(s.field(2)?.repetitions[0]?.components, [['a'], ['b', 'c']]);
      assert.equal(s.field(2)?.repetition(2)?.value(), 'd');
      assert.equal(s.value(3), null);
    }
  });

  it('parses a second MSH like the first', () => {
    const m = parseMessage(msg(MSH, 'MSH|^~\\&|X|Y'));
    assert.equal(m.all('MSH')[1]?.value(2), '^~\\&');
    assert.equal(m.all('MSH')[1]?.value(3), 'X');
  });
});

describe('segment terminators', () => {
  it('accepts \\r, \\n and \\r\\n mixed in one message', () => {
    const m = parseMessage(Buffer.from(`${MSH}\r\nPID|1\nPV1|1\rOBR|1\r\n`));
    assert.deepEqual(
      m.segments.map((s) => s.id),
      ['MSH', 'PID', 'PV1', 'OBR'],
    );
  });
});

describe('typed accessors', () => {
  it('returns undefined for a missing segment, occurrence, field or component', () => {
    const m = parseMessage(msg(MSH, 'PID|1'));
    assert.equal(m.get('PID', 2), undefined);
    assert.equal(m.get('ZZZ')?.field(1), undefined);
    assert.equal(m.get('PID')?.field(30), undefined);
    assert.equal(m.get('PID')?.field(1)?.component(5), undefined);
    assert.equal(m.get('PID')?.value(1, 1, 3), undefined);
  });

  it('keeps segments in message order, with repeated and Z-segments', () => {
    const m = parseMessage(msg(MSH, 'OBR|1', 'OBX|1', 'ZXT|a', 'OBX|2', 'NTE|1', 'OBX|3'));
    assert.deepEqual(
      m.segments.map((s) => `${s.id}${s.value(1) ?? ''}`),
      ['MSH|', 'OBR1', 'OBX1', 'ZXTa', 'OBX2', 'NTE1', 'OBX3'],
    );
    assert.equal(m.get('OBX', 3)?.value(1), '3');
    assert.equal(m.all('OBX').length, 3);
  });

  it('reads "" as null, distinct from empty', () => {
    const m = parseMessage(msg(MSH, 'PID|1||""|||^""'));
    assert.equal(m.get('PID')?.field(3)?.value(), null);
    assert.equal(m.get('PID')?.field(4)?.value(), '');
    assert.equal(m.get('PID')?.field(6)?.component(2), null);
  });

  it('reads a subcomponent-only field as one component with subcomponents', () => {
    const m = parseMessage(msg(MSH, 'OBR|1|||||||||||||A&B'));
    const f = m.get('OBR')?.field(14);
    assert.equal(f?.repetitions.length, 1);
    assert.equal(f?.repetitions[0]?.components.length, 1);
    assert.deepEqual(f?.repetitions[0]?.components[0], ['A', 'B']);
  });
});

describe('malformed input', () => {
  const cases: [string, string][] = [
    ['', 'empty'],
    ['PID|1||x\r', 'no-msh'],
    ['MSH|^~\\&|A|B\r', 'msh-too-short'],
    ['MSH|^~|A|B|C|D|20260101||ADT^A01|1|P|2.5.1\r', 'bad-delimiters'],
    ['MSH|^^\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5.1\r', 'bad-delimiters'],
    ['MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5.1||||||8859/15\r', 'unsupported-charset'],
  ];
  for (const [raw, reason] of cases) {
    it(`throws Hl7ParseError ${reason}`, () => {
      assert.throws(
        () => parseMessage(Buffer.from(raw, 'latin1')),
        (e: unknown) => e instanceof Hl7ParseError && e.reason === reason,
      );
    });
  }
});

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

describe('lossless structure (2.5, 2.5.4, 2.7)', () => {
  const candidates = ['|', '^', '~', '\\', '&', '#', ':', '*', '!', '@', '$', '%', '/', '+', '\uE000'];
  const data = ['a', 'Z', '7', ' ', '"', '|', '^', '~', '&', '\\', '#', ':', '\uE000', '\uE001', 'é', '.'];

  it('reads back the structure a random message was written from, in any delimiters', () => {
    const rnd = random(2575);
    for (let run = 0; run < 300; run++) {
      const pool = [...candidates];
      const chars = [0, 1, 2, 3, 4].map(() => pool.splice(rnd(pool.length), 1)[0] as string);
      const [field, component, repetition, escape, subcomponent] = chars as [string, string, string, string, string];
      const d: Hl7Delimiters =
        run % 5 === 0 ? DEFAULT_DELIMITERS : { field, component, repetition, escape, subcomponent };
      const names: [string, string][] = [
        [d.field, 'F'],
        [d.component, 'S'],
        [d.repetition, 'R'],
        [d.escape, 'E'],
        [d.subcomponent, 'T'],
      ];
      // Each leaf is written (delimiters escaped) and remembered as the value it must read back as.
      const leaf = (): [string, Hl7Leaf] => {
        if (rnd(10) === 0) {
          return ['""', null];
        }
        let raw = '';
        let text = '';
        for (let i = rnd(5); i > 0; i--) {
          const c = data[rnd(data.length)] as string;
          const name = names.find(([ch]) => ch === c)?.[1];
          raw += name === undefined ? c : `${d.escape}${name}${d.escape}`;
          text += c;
        }
        return [raw, raw === '""' ? null : text];
      };
      const expected: Hl7Leaf[][][][] = [];
      const fields: string[] = [];
      for (let f = 1 + rnd(6); f > 0; f--) {
        const reps: Hl7Leaf[][][] = [];
        const repTexts: string[] = [];
        for (let r = 1 + rnd(3); r > 0; r--) {
          const comps: Hl7Leaf[][] = [];
          const compTexts: string[] = [];
          for (let c = 1 + rnd(3); c > 0; c--) {
            const subs = Array.from({ length: 1 + rnd(3) }, leaf);
            comps.push(subs.map(([, v]) => v));
            compTexts.push(subs.map(([raw]) => raw).join(d.subcomponent));
          }
          reps.push(comps);
          repTexts.push(compTexts.join(d.component));
        }
        expected.push(reps);
        fields.push(repTexts.join(d.repetition));
      }
      const header = `MSH${d.field}${d.component}${d.repetition}${d.escape}${d.subcomponent}`;
      const text = [
        `${header}${d.field}A${d.field.repeat(6)}ORU${d.field}C${run}${d.field}P${d.field}2.5.1`,
        'ZXY' + d.field + fields.join(d.field),
      ].join('\r');
      const segment = parseText(text).get('ZXY');
      assert.deepEqual(
        segment?.fields.map((fl) => fl.repetitions.map((rep) => rep.components)),
        expected,
        `run ${run}: ${JSON.stringify(text)}`,
      );
    }
  });
});
