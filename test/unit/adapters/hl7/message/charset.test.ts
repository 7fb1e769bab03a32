// Covers HL7 v2.5.1 chapter 2, 2.14.9.18 MSH-18 character set (table 0211: ASCII,
// 8859/1, UNICODE UTF-8): the message is decoded with the charset it declares in its raw bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../../../../adapters/hl7/src/message/parse';

function header(charset: string): string {
  return `MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5.1||||||${charset}\r`;
}

describe('MSH-18 character sets', () => {
  it('decodes 8859/1 bytes as latin1', () => {
    const raw = Buffer.concat([
      Buffer.from(header('8859/1'), 'latin1'),
      Buffer.from('PID|1||1||Müller^Jörg\r', 'latin1'),
    ]);
    assert.equal(raw.includes(Buffer.from([0xfc])), true);
    const m = parseMessage(raw);
    assert.equal(m.characterSet, '8859/1');
    assert.equal(m.get('PID')?.field(5)?.component(1), 'Müller');
    assert.equal(m.get('PID')?.field(5)?.component(2), 'Jörg');
  });

  it('decodes UNICODE UTF-8 bytes', () => {
    const raw = Buffer.from(header('UNICODE UTF-8') + 'PID|1||1||Müller^李\r', 'utf8');
    assert.equal(raw.includes(Buffer.from([0xc3, 0xbc])), true);
    const m = parseMessage(raw);
    assert.equal(m.get('PID')?.field(5)?.component(1), 'Müller');
    assert.equal(m.get('PID')?.field(5)?.component(2), '李');
  });

  it('decodes ASCII and an absent MSH-18', () => {
    assert.equal(
      parseMessage(Buffer.from(header('ASCII') + 'PID|1||1||Smith\r'))
        .get('PID')
        ?.value(5),
      'Smith',
    );
    assert.equal(parseMessage(Buffer.from(header('') + 'PID|1||1||Smith\r')).characterSet, undefined);
  });

  it('decodes \\Xhh\\ escapes with the declared charset', () => {
    const raw = Buffer.from(header('8859/1') + 'PID|1||1||M\\XFC\\ller\r', 'latin1');
    assert.equal(parseMessage(raw).get('PID')?.value(5), 'Müller');
  });
});
