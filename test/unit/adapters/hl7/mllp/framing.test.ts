// Covers HL7 v2.5.1 Appendix C.4 (MLLP release 2, "Lower Layer Protocol"): <VT> data <FS><CR> block
// framing over a byte stream, plus the decoder's recovery rules (garbage, incomplete, oversize, FS without CR).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CR, FS, VT } from '../../../../../adapters/hl7/src/mllp/constants';
import { encodeFrame, MllpDecoder, type MllpEvent } from '../../../../../adapters/hl7/src/mllp/framing';

const msg = (n: number): Buffer => Buffer.from(`MSH|^~\\&|LAB|HOSP|||20240101||ORU^R01|MSG${n}|P|2.5.1\rPID|||${n}\r`);

function frames(events: MllpEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'frame' ? [e.payload.toString('latin1')] : []));
}

describe('encodeFrame', () => {
  it('wraps the payload in VT ... FS CR', () => {
    const out = encodeFrame(Buffer.from('ABC'));
    assert.deepEqual([...out], [VT, 0x41, 0x42, 0x43, FS, CR]);
  });
});

describe('MllpDecoder', () => {
  it('decodes several frames from one chunk', () => {
    const d = new MllpDecoder();
    const events = d.push(Buffer.concat([encodeFrame(msg(1)), encodeFrame(msg(2)), encodeFrame(msg(3))]));
    assert.deepEqual(
      frames(events),
      [msg(1), msg(2), msg(3)].map((b) => b.toString('latin1')),
    );
    assert.equal(events.length, 3);
  });

  it('decodes frames fed one byte at a time (FS and CR split across chunks)', () => {
    const d = new MllpDecoder();
    const wire = Buffer.concat([encodeFrame(msg(1)), encodeFrame(msg(2))]);
    const events: MllpEvent[] = [];
    for (const b of wire) {
      events.push(...d.push(Buffer.from([b])));
    }
    assert.deepEqual(frames(events), [msg(1).toString('latin1'), msg(2).toString('latin1')]);
    assert.deepEqual(d.end(), []);
  });

  it('keeps binary bytes (non-UTF-8) untouched', () => {
    const payload = Buffer.from([0x4d, 0xe9, 0xff, 0x00, 0x0d]);
    const [ev] = new MllpDecoder().push(encodeFrame(payload));
    assert.ok(ev?.type === 'frame');
    assert.ok(ev.payload.equals(payload));
  });

  it('skips garbage between frames and reports its byte count', () => {
    const d = new MllpDecoder();
    const events = d.push(
      Buffer.concat([Buffer.from('xx'), encodeFrame(msg(1)), Buffer.from('\r\nnoise'), encodeFrame(msg(2))]),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['garbage', 'frame', 'garbage', 'frame'],
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'garbage').map((e) => (e.type === 'garbage' ? e.bytes : -1)),
      [2, 7],
    );
  });

  it('reports trailing garbage at end()', () => {
    const d = new MllpDecoder();
    assert.deepEqual(frames(d.push(Buffer.concat([encodeFrame(msg(1)), Buffer.from('abc')]))), [
      msg(1).toString('latin1'),
    ]);
    assert.deepEqual(d.end(), [{ type: 'garbage', bytes: 3 }]);
  });

  it('reports a frame with no end as incomplete on end()', () => {
    const d = new MllpDecoder();
    const body = msg(1);
    assert.deepEqual(d.push(Buffer.concat([Buffer.from([VT]), body])), []);
    assert.deepEqual(d.end(), [{ type: 'incomplete', bytes: body.length }]);
    // The decoder is reusable afterwards.
    assert.deepEqual(frames(d.push(encodeFrame(msg(2)))), [msg(2).toString('latin1')]);
  });

  it('reports an unterminated frame as incomplete when a new VT starts another', () => {
    const d = new MllpDecoder();
    const events = d.push(Buffer.concat([Buffer.from([VT]), Buffer.from('PARTIAL'), encodeFrame(msg(2))]));
    assert.deepEqual(events[0], { type: 'incomplete', bytes: 7 });
    assert.deepEqual(frames(events), [msg(2).toString('latin1')]);
  });

  it('accepts FS without CR, in the middle of a stream and at its end', () => {
    const d = new MllpDecoder();
    const noCr = (b: Buffer): Buffer => Buffer.concat([Buffer.from([VT]), b, Buffer.from([FS])]);
    const events = d.push(Buffer.concat([noCr(msg(1)), encodeFrame(msg(2)), noCr(msg(3))]));
    assert.deepEqual(
      frames(events),
      [msg(1), msg(2)].map((b) => b.toString('latin1')),
    );
    assert.deepEqual(frames(d.end()), [msg(3).toString('latin1')]);
  });

  it('discards an oversize frame without buffering it and resynchronizes at the next VT', () => {
    const d = new MllpDecoder({ maxFrameBytes: 100 });
    const big = Buffer.alloc(1000, 0x41);
    const events: MllpEvent[] = [];
    // Feed the big frame in small chunks, then a normal frame.
    const wire = Buffer.concat([encodeFrame(big), encodeFrame(Buffer.from('OK'))]);
    for (let i = 0; i < wire.length; i += 64) {
      events.push(...d.push(wire.subarray(i, i + 64)));
    }
    const [first, second] = events;
    assert.equal(events.length, 2);
    assert.equal(first?.type, 'oversize');
    // The head (the first bytes seen, at most 4 KB) is kept so the reject can echo the MSH.
    const head = first?.type === 'oversize' ? first.head : Buffer.alloc(0);
    assert.equal(first?.type === 'oversize' && first.bytes, 1000);
    assert.ok(head.length > 100 && big.subarray(0, head.length).equals(head));
    assert.deepEqual(second, { type: 'frame', payload: Buffer.from('OK') });
  });

  it('resynchronizes when an oversize frame has no end and a new frame begins', () => {
    const d = new MllpDecoder({ maxFrameBytes: 10 });
    const events = d.push(Buffer.concat([Buffer.from([VT]), Buffer.alloc(50, 0x42), encodeFrame(Buffer.from('NEXT'))]));
    assert.deepEqual(events, [
      { type: 'oversize', bytes: 50, head: Buffer.alloc(50, 0x42) },
      { type: 'frame', payload: Buffer.from('NEXT') },
    ]);
  });

  it('accepts a frame of exactly the maximum size', () => {
    const d = new MllpDecoder({ maxFrameBytes: 10 });
    const events = d.push(encodeFrame(Buffer.alloc(10, 0x43)));
    assert.equal(events[0]?.type, 'frame');
  });

  it('does not alias the caller chunk memory', () => {
    const d = new MllpDecoder();
    const chunk = Buffer.from(encodeFrame(Buffer.from('ABC')).subarray(0, 3));
    d.push(chunk);
    chunk.fill(0x5a);
    const events = d.push(Buffer.from([0x43, FS, CR]));
    assert.deepEqual(frames(events), ['ABC']);
  });
});
