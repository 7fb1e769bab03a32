/**
 * Covers the streaming multipart/related reader: RFC 2046 5.1.1 framing (preamble, CRLF before
 * each delimiter, transport padding, close delimiter, epilogue), RFC 2387 part headers, and
 * PS3.18 8.6.1.2 bodies split across arbitrary chunk boundaries, with errors for bad framing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartPart } from '../../../../../adapters/dicom/src/dicomweb/multipart-reader';
import {
  MultipartError,
  MultipartSplitter,
  boundaryOf,
  mediaParameter,
} from '../../../../../adapters/dicom/src/dicomweb/multipart-reader';

interface ReadPart {
  headers: Record<string, string>;
  body: Buffer;
}

function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    chunks.push(bytes.subarray(i, i + size));
  }
  return Readable.from(chunks);
}

async function split(bytes: Buffer, boundary: string, chunkSize: number): Promise<ReadPart[]> {
  const parts: Promise<ReadPart>[] = [];
  const splitter = new MultipartSplitter(boundary, (part: MultipartPart) => {
    parts.push(
      (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of part.body) {
          chunks.push(chunk as Buffer);
        }
        return { headers: { ...part.headers }, body: Buffer.concat(chunks) };
      })(),
    );
  });
  await pipeline(chunked(bytes, chunkSize), splitter);
  return Promise.all(parts);
}

function body(boundary: string, parts: { headers: string; body: Buffer }[], preamble = '', epilogue = ''): Buffer {
  const pieces: Buffer[] = [Buffer.from(preamble)];
  for (const part of parts) {
    pieces.push(
      Buffer.from(`${preamble === '' && pieces.length === 1 ? '' : '\r\n'}--${boundary}\r\n${part.headers}\r\n`),
      part.body,
    );
  }
  pieces.push(Buffer.from(`\r\n--${boundary}--${epilogue}`));
  return Buffer.concat(pieces);
}

describe('MultipartSplitter', () => {
  const boundary = 'b0und4ry';
  const a = randomBytes(10_000);
  // a body that contains the boundary text without the leading CRLF, and a lone CR LF
  const b = Buffer.concat([Buffer.from(`--${boundary}\r\n`), randomBytes(3000), Buffer.from('\r\n-'), randomBytes(10)]);

  for (const size of [1, 7, 64, 4096, 1 << 20]) {
    it(`yields every part byte-for-byte with ${size}-byte chunks`, async () => {
      const bytes = body(boundary, [
        { headers: 'Content-Type: application/dicom\r\nContent-Location: one\r\n', body: a },
        { headers: 'content-type:application/dicom\r\n', body: b },
      ]);
      const parts = await split(bytes, boundary, size);
      assert.equal(parts.length, 2);
      assert.deepEqual(parts[0]?.headers, { 'content-type': 'application/dicom', 'content-location': 'one' });
      assert.ok(parts[0]?.body.equals(a));
      assert.equal(parts[1]?.headers['content-type'], 'application/dicom');
      assert.ok(parts[1]?.body.equals(b));
    });
  }

  it('skips the preamble, transport padding and epilogue, and accepts a part without headers', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`This is a preamble.\r\n--${boundary}  \t\r\n\r\nfirst`),
      Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/dicom\r\n\r\nsecond`),
      Buffer.from(`\r\n--${boundary}--\r\nepilogue text`),
    ]);
    const parts = await split(bytes, boundary, 5);
    assert.deepEqual(
      parts.map((p) => [p.headers, p.body.toString()]),
      [
        [{}, 'first'],
        [{ 'content-type': 'application/dicom' }, 'second'],
      ],
    );
  });

  it('streams a large part with backpressure and keeps its bytes', async () => {
    const big = randomBytes(6 * 1024 * 1024);
    const parts = await split(
      body(boundary, [{ headers: 'Content-Type: application/dicom\r\n', body: big }]),
      boundary,
      65536,
    );
    assert.ok(parts[0]?.body.equals(big));
  });

  it('fails on a body that ends before the close delimiter, destroying the open part', async () => {
    const bytes = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\ntruncated`);
    let partError: unknown;
    const splitter = new MultipartSplitter(boundary, (part) => {
      part.body.on('error', (err) => (partError = err));
      part.body.resume();
    });
    await assert.rejects(pipeline(chunked(bytes, 8), splitter), MultipartError);
    assert.ok(partError instanceof MultipartError);
  });

  it('fails when no part is found', async () => {
    await assert.rejects(split(Buffer.from('no multipart here'), boundary, 4), /No body part/);
    await assert.rejects(split(Buffer.from(`--${boundary}--\r\n`), boundary, 4), /No body part/);
  });

  it('fails on a malformed header line and on an oversized header block', async () => {
    await assert.rejects(
      split(Buffer.from(`--${boundary}\r\nnot a header\r\n\r\nx\r\n--${boundary}--`), boundary, 3),
      /Malformed part header/,
    );
    const huge = `--${boundary}\r\nX-Big: ${'a'.repeat(20_000)}`;
    await assert.rejects(split(Buffer.from(huge), boundary, 1000), /too large/);
  });
});

describe('boundaryOf / mediaParameter', () => {
  it('reads quoted and bare parameters', () => {
    assert.equal(boundaryOf('multipart/related; type="application/dicom"; boundary="a b:c"'), 'a b:c');
    assert.equal(boundaryOf('multipart/related;boundary=xyz;type=application/dicom'), 'xyz');
    assert.equal(boundaryOf('multipart/related; type="application/dicom"'), undefined);
    assert.equal(boundaryOf(`multipart/related; boundary=${'x'.repeat(71)}`), undefined);
    assert.equal(
      mediaParameter('multipart/related; type="application/dicom"; boundary=x', 'type'),
      'application/dicom',
    );
    assert.equal(mediaParameter('multipart/related; Transfer-Syntax=1.2.3', 'transfer-syntax'), '1.2.3');
  });
});
