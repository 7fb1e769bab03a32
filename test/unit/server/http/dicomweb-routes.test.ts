/**
 * Covers DICOMweb over a real HTTP server (PS3.18 chapter 10): STOW-RS 10.5 (multipart/related
 * intake streamed to a real FileBlobStore and indexed in the real SQLite DICOM index, response 10.5.3 with Referenced/Failed SOP sequences,
 * 202/409/415/400, Expect: 100-continue), QIDO-RS 10.6 (matching, includefield, 204, 406),
 * WADO-RS 10.4 (instances byte-identical, metadata BulkDataURI, native and encapsulated frames,
 * rendered JPEG/PNG with windowing 8.3.5.1.2 and MONOCHROME1 inversion, transfer syntax 406),
 * and scope checks (ImagingStudy read vs create).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { MultipartSplitter, boundaryOf } from '../../../../adapters/dicom/src/dicomweb/multipart-reader';
import { dicomwebRouter } from '../../../../server/src/http/dicomweb-routes';
import { requestContext } from '../../../../server/src/http/request-context';
import { silentLogger } from '../../../../server/src/observability/logger';
import { createMetrics } from '../../../../server/src/observability/metrics';
import { FileBlobStore } from '../../../../server/src/storage/files/file-blob-store';
import type { AccessContext } from '../../../../server/src/context';
import { chestRadiograph, ctSeries, encodePart10, newUid } from '../../../fixtures/dicom/corpus';
import { brokenFiles } from '../../../fixtures/dicom/broken';
import { convertWithDcmtk, hasDcmtk } from '../../../fixtures/dicom/dcmtk';
import { openTempSqliteStore } from '../../../helpers/sqlite-temp';
import { ParsingSink } from '../../adapters/dicom/dicomweb/support/parsing-sink';

const EXPLICIT = '1.2.840.10008.1.2.1';
type Json = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;

function multipartBody(boundary: string, parts: Buffer[], type = 'application/dicom'): Buffer {
  const pieces = parts.flatMap((p) => [
    Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`),
    p,
    Buffer.from('\r\n'),
  ]);
  return Buffer.concat([...pieces, Buffer.from(`--${boundary}--\r\n`)]);
}

/** POSTs with Expect: 100-continue, streaming the body in 64 KiB chunks once the server says continue. */
function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown; sawContinue: boolean }> {
  return new Promise((resolve, reject) => {
    let sawContinue = false;
    const req = httpRequest(url, {
      method: 'POST',
      headers: { ...headers, Expect: '100-continue', 'Content-Length': String(body.length) },
    });
    req.on('continue', () => {
      sawContinue = true;
      const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
        body.subarray(i * 65536, (i + 1) * 65536),
      );
      Readable.from(chunks).pipe(req);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({
          status: res.statusCode ?? 0,
          json: text === '' ? undefined : (JSON.parse(text) as unknown),
          sawContinue,
        });
      });
    });
    req.on('error', reject);
  });
}

async function multipartParts(res: Response): Promise<{ headers: Record<string, string>; body: Buffer }[]> {
  const boundary = boundaryOf(res.headers.get('content-type') ?? '');
  assert.ok(boundary, 'response has a boundary');
  const parts: Promise<{ headers: Record<string, string>; body: Buffer }>[] = [];
  const splitter = new MultipartSplitter(boundary, (part) => {
    parts.push(
      (async () => {
        const chunks: Buffer[] = [];
        for await (const c of part.body) {
          chunks.push(c as Buffer);
        }
        return { headers: { ...part.headers }, body: Buffer.concat(chunks) };
      })(),
    );
  });
  await pipeline(Readable.from([Buffer.from(await res.arrayBuffer())]), splitter);
  return Promise.all(parts);
}

/** A 64x64 12-bit image whose value is 64 × column (a horizontal gradient 0..4032). */
function gradient(photometric: 'MONOCHROME1' | 'MONOCHROME2', studyUid: string): Record<string, unknown> {
  const dataset = chestRadiograph({
    modality: 'CR',
    rows: 64,
    columns: 64,
    bitsStored: 12,
    photometric,
    studyUid,
    patientId: 'GRAD',
  });
  const pixels = new Uint16Array(64 * 64);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = (i % 64) * 64;
  }
  return { ...dataset, PixelData: [pixels.buffer], WindowCenter: 1024, WindowWidth: 2048 };
}

/** PS3.3 C.11.2.1.2.1 linear window, 8-bit output. */
function linear(value: number, center: number, width: number): number {
  const y = ((value - (center - 0.5)) / (width - 1) + 0.5) * 255;
  return Math.min(255, Math.max(0, y));
}

describe('DICOMweb routes', { timeout: 120_000 }, () => {
  let dir: string;
  let server: Server;
  let base: string;
  let sqlite: Awaited<ReturnType<typeof openTempSqliteStore>>;
  const scopes: Record<string, string[]> = {
    reader: ['system/ImagingStudy.rs'],
    writer: ['system/ImagingStudy.cruds'],
  };
  const auth = { Authorization: 'Bearer writer' };
  let radiograph: Buffer;
  let ct: Buffer;
  let ctRle: Buffer | undefined;
  let ctUids: { study: string; series: string; sop: string };
  let rxUids: { study: string; series: string; sop: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-dicomweb-'));
    const blobs = new FileBlobStore(join(dir, 'blobs'));
    sqlite = await openTempSqliteStore();
    const store = sqlite.store;
    const index = store.records.dicom;
    const app = express();
    app.set('query parser', false);
    app.use(requestContext(silentLogger(), createMetrics()));
    app.use(
      dicomwebRouter({
        index,
        blobs,
        sink: new ParsingSink(blobs, (record) =>
          store.transaction(async (session) => session.records.dicom.putInstance(record)),
        ),
        baseUrl: () => base,
        maxStowBytes: 64 * 1024 * 1024,
        auth: 'smart',
        authenticate: (h): AccessContext | undefined => {
          const token = h?.replace(/^Bearer\s+/i, '') ?? '';
          const granted = scopes[token];
          return granted ? { subject: token, scopes: granted } : undefined;
        },
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rx = chestRadiograph({
      modality: 'DX',
      rows: 2048,
      columns: 2048,
      patientName: 'Doe^Jane',
      patientId: 'RX-1',
      accessionNumber: 'ACC-RX',
      studyDate: '20260115',
    });
    radiograph = encodePart10(rx, EXPLICIT);
    rxUids = {
      study: String(rx.StudyInstanceUID),
      series: String(rx.SeriesInstanceUID),
      sop: String(rx.SOPInstanceUID),
    };
    const [slice] = ctSeries({
      slices: 1,
      rows: 128,
      columns: 128,
      patientName: 'Smith^John',
      patientId: 'CT-1',
      studyDate: '20250301',
    });
    ct = encodePart10({ ...slice, StudyDescription: 'CT CHEST' }, EXPLICIT);
    ctUids = {
      study: String(slice?.StudyInstanceUID),
      series: String(slice?.SeriesInstanceUID),
      sop: String(slice?.SOPInstanceUID),
    };
    if (hasDcmtk()) {
      const [rleSlice] = ctSeries({ slices: 1, rows: 128, columns: 128, patientId: 'CT-RLE', studyUid: ctUids.study });
      const source = join(dir, 'ct.dcm');
      await import('node:fs/promises').then((fs) =>
        fs.writeFile(source, encodePart10(rleSlice as Record<string, unknown>, EXPLICIT)),
      );
      await convertWithDcmtk('rle', source, join(dir, 'ct-rle.dcm'));
      ctRle = await readFile(join(dir, 'ct-rle.dcm'));
    }
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await sqlite.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('STOW-RS stores a radiograph and a CT slice, fails a broken file: 202 with both sequences', async () => {
    const broken = brokenFiles(chestRadiograph({ modality: 'CR', rows: 32, columns: 32 })).find(
      (b) => b.name === 'not-dicom-binary',
    );
    assert.ok(broken);
    const boundary = 'stow-boundary-1';
    const res = await post(`${base}/dicomweb/studies`, multipartBody(boundary, [radiograph, ct, broken.bytes]), {
      ...auth,
      'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      Accept: 'application/dicom+json',
    });
    assert.equal(res.sawContinue, true);
    assert.equal(res.status, 202);
    const body = res.json as Json;
    const referenced = body['00081199']?.Value as Json[];
    assert.deepEqual(
      referenced.map((item) => item['00081155']?.Value?.[0]),
      [rxUids.sop, ctUids.sop],
    );
    assert.equal(
      referenced[1]?.['00081190']?.Value?.[0],
      `${base}/dicomweb/studies/${ctUids.study}/series/${ctUids.series}/instances/${ctUids.sop}`,
    );
    const failed = body['00081198']?.Value as Json[];
    assert.equal(failed.length, 1);
    assert.deepEqual(failed[0]?.['00081197']?.Value, [0xc000]);
    assert.equal(body['00081190'], undefined, 'two studies: no single RetrieveURL');
    const stored = await sqlite.store.records.dicom.findInstances({ level: 'instance' });
    assert.equal(stored.length, 2);
  });

  it('STOW-RS to /studies/{study} fails instances of another study (409) and refuses other media types (415)', async () => {
    const boundary = 'b2';
    const res = await post(`${base}/dicomweb/studies/1.2.3.4`, multipartBody(boundary, [ct]), {
      ...auth,
      'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
    });
    assert.equal(res.status, 409);
    assert.deepEqual((res.json as Json)['00081190']?.Value, [`${base}/dicomweb/studies/1.2.3.4`]);
    const wrong = await post(`${base}/dicomweb/studies`, Buffer.from('{}'), {
      ...auth,
      'Content-Type': 'application/json',
    });
    assert.equal(wrong.status, 415);
    const related = await post(`${base}/dicomweb/studies`, Buffer.from('x'), {
      ...auth,
      'Content-Type': 'multipart/related; type="application/dicom+xml"; boundary=x',
    });
    assert.equal(related.status, 415);
  });

  it('STOW-RS answers 400 for a malformed multipart body', async () => {
    const res = await post(`${base}/dicomweb/studies`, Buffer.from('--nope\r\n\r\nnothing'), {
      ...auth,
      'Content-Type': 'multipart/related; type="application/dicom"; boundary=other',
    });
    assert.equal(res.status, 400);
    const truncated = await post(
      `${base}/dicomweb/studies`,
      Buffer.from('--b\r\nContent-Type: application/dicom\r\n\r\nxx'),
      {
        ...auth,
        'Content-Type': 'multipart/related; type="application/dicom"; boundary=b',
      },
    );
    assert.equal(truncated.status, 400);
  });

  it('checks scopes: read-only tokens cannot STOW, no token is 401', async () => {
    const res = await post(`${base}/dicomweb/studies`, multipartBody('b', [ct]), {
      Authorization: 'Bearer reader',
      'Content-Type': 'multipart/related; type="application/dicom"; boundary=b',
    });
    assert.equal(res.status, 403);
    assert.equal((await fetch(`${base}/dicomweb/studies`)).status, 401);
    assert.equal(
      (await fetch(`${base}/dicomweb/studies`, { headers: { Authorization: 'Bearer reader' } })).status,
      200,
    );
  });

  it('QIDO-RS finds studies with default attributes, counts and RetrieveURL', async () => {
    const res = await fetch(`${base}/dicomweb/studies?PatientName=doe*`, {
      headers: { ...auth, Accept: 'application/dicom+json' },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/dicom\+json/);
    const studies = (await res.json()) as Json[];
    assert.equal(studies.length, 1);
    const study = studies[0] as Json;
    assert.deepEqual(study['0020000D']?.Value, [rxUids.study]);
    assert.deepEqual(study['00080061']?.Value, ['DX']);
    assert.deepEqual(study['00201208']?.Value, [1]);
    assert.deepEqual(study['00081190']?.Value, [`${base}/dicomweb/studies/${rxUids.study}`]);
    assert.deepEqual(study['00100020']?.Value, ['RX-1']);
    assert.equal(study['00081030'], undefined, 'StudyDescription is not a default');
    const dated = (await (
      await fetch(`${base}/dicomweb/studies?StudyDate=20250101-20251231&includefield=00081030`, { headers: auth })
    ).json()) as Json[];
    assert.deepEqual(
      dated.map((s) => s['0020000D']?.Value?.[0]),
      [ctUids.study],
    );
    assert.deepEqual(dated[0]?.['00081030']?.Value, ['CT CHEST'], 'includefield adds StudyDescription');
    const plain = (await (
      await fetch(`${base}/dicomweb/studies?StudyDate=20250101-20251231`, { headers: auth })
    ).json()) as Json[];
    assert.equal(plain[0]?.['00081030'], undefined);
    const limited = (await (
      await fetch(`${base}/dicomweb/studies?limit=1&offset=1`, { headers: auth })
    ).json()) as Json[];
    assert.equal(limited.length, 1);
  });

  it('QIDO-RS answers 204 for no match, 400 for unknown parameters, 406 for other media types', async () => {
    assert.equal((await fetch(`${base}/dicomweb/studies?PatientID=nobody`, { headers: auth })).status, 204);
    assert.equal((await fetch(`${base}/dicomweb/studies?bogus=1`, { headers: auth })).status, 400);
    assert.equal(
      (await fetch(`${base}/dicomweb/studies`, { headers: { ...auth, Accept: 'application/dicom+xml' } })).status,
      406,
    );
  });

  it('QIDO-RS searches series and instances within a study', async () => {
    const series = (await (
      await fetch(`${base}/dicomweb/studies/${ctUids.study}/series`, { headers: auth })
    ).json()) as Json[];
    assert.deepEqual(
      series.map((s) => s['0020000E']?.Value?.[0]),
      [ctUids.series],
    );
    assert.deepEqual(series[0]?.['00080060']?.Value, ['CT']);
    const instances = (await (
      await fetch(`${base}/dicomweb/studies/${ctUids.study}/series/${ctUids.series}/instances?includefield=all`, {
        headers: auth,
      })
    ).json()) as Json[];
    assert.equal(instances.length, 1);
    assert.deepEqual(instances[0]?.['00080018']?.Value, [ctUids.sop]);
    assert.equal(instances[0]?.['7FE00010'], undefined, 'no pixel data in QIDO');
    assert.ok(instances[0]?.['00280030'], 'includefield=all returns PixelSpacing');
    const all = (await (await fetch(`${base}/dicomweb/instances?Modality=DX`, { headers: auth })).json()) as Json[];
    assert.deepEqual(
      all.map((i) => i['00080018']?.Value?.[0]),
      [rxUids.sop],
    );
  });

  it('WADO-RS returns the stored Part-10 bytes unmodified', async () => {
    const res = await fetch(
      `${base}/dicomweb/studies/${rxUids.study}/series/${rxUids.series}/instances/${rxUids.sop}`,
      {
        headers: { ...auth, Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
      },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^multipart\/related; type="application\/dicom"/);
    const parts = await multipartParts(res);
    assert.equal(parts.length, 1);
    assert.ok(parts[0]?.body.equals(radiograph), 'bytes identical to what was posted');
    const study = await multipartParts(await fetch(`${base}/dicomweb/studies/${ctUids.study}`, { headers: auth }));
    assert.ok(study[0]?.body.equals(ct));
  });

  it('WADO-RS answers 406 for another transfer syntax and 404 for unknown instances', async () => {
    const other = await fetch(`${base}/dicomweb/studies/${ctUids.study}`, {
      headers: {
        ...auth,
        Accept: 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50',
      },
    });
    assert.equal(other.status, 406);
    const same = await fetch(`${base}/dicomweb/studies/${ctUids.study}`, {
      headers: { ...auth, Accept: `multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT}` },
    });
    assert.equal(same.status, 200);
    await same.arrayBuffer();
    assert.equal((await fetch(`${base}/dicomweb/studies/9.9.9`, { headers: auth })).status, 404);
    assert.equal(
      (
        await fetch(`${base}/dicomweb/studies/${ctUids.study}/series/${ctUids.series}/instances/9.9/metadata`, {
          headers: auth,
        })
      ).status,
      404,
    );
  });

  it('WADO-RS metadata points PixelData at the frames resource', async () => {
    const res = await fetch(`${base}/dicomweb/studies/${ctUids.study}/series/${ctUids.series}/metadata`, {
      headers: auth,
    });
    assert.equal(res.status, 200);
    const [meta] = (await res.json()) as Json[];
    const instanceUrl = `${base}/dicomweb/studies/${ctUids.study}/series/${ctUids.series}/instances/${ctUids.sop}`;
    assert.equal(meta?.['7FE00010']?.BulkDataURI, `${instanceUrl}/frames/1`);
    assert.deepEqual(meta?.['00280010']?.Value, [128]);
    const frame = await fetch(meta?.['7FE00010']?.BulkDataURI as string, { headers: auth });
    assert.equal(frame.status, 200);
  });

  it('WADO-RS frames: native pixel data is sliced per frame', async () => {
    const res = await fetch(
      `${base}/dicomweb/studies/${ctUids.study}/series/${ctUids.series}/instances/${ctUids.sop}/frames/1`,
      {
        headers: { ...auth, Accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
      },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /type="application\/octet-stream"/);
    const [part] = await multipartParts(res);
    assert.equal(part?.body.length, 128 * 128 * 2);
    assert.ok(
      ct.subarray(ct.length - 128 * 128 * 2).equals(part?.body as Buffer),
      "the frame is the file's pixel data",
    );
    const missing = await fetch(
      `${base}/dicomweb/studies/${ctUids.study}/series/${ctUids.series}/instances/${ctUids.sop}/frames/2`,
      { headers: auth },
    );
    assert.equal(missing.status, 404);
  });

  it(
    'WADO-RS frames: an RLE CT slice gives its encapsulated frame',
    { skip: !hasDcmtk() && 'dcmtk not installed' },
    async () => {
      const boundary = 'rle';
      const stow = await post(`${base}/dicomweb/studies/${ctUids.study}`, multipartBody(boundary, [ctRle as Buffer]), {
        ...auth,
        'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      });
      assert.equal(stow.status, 200);
      const item = ((stow.json as Json)['00081199']?.Value as Json[])[0] as Json;
      const url = item['00081190']?.Value?.[0] as string;
      const res = await fetch(`${url}/frames/1`, { headers: auth });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /transfer-syntax=1\.2\.840\.10008\.1\.2\.5/);
      const [part] = await multipartParts(res);
      const frame = part?.body as Buffer;
      assert.equal(frame.readUInt32LE(0), 2, 'RLE header: two segments for 16-bit samples');
      assert.equal(frame.readUInt32LE(4), 64, 'first segment follows the 64-byte header');
      assert.ok((ctRle as Buffer).indexOf(frame) > 0, 'the frame is the fragment as stored');
      const png = PNG.sync.read(
        Buffer.from(
          await (await fetch(`${url}/rendered`, { headers: { ...auth, Accept: 'image/png' } })).arrayBuffer(),
        ),
      );
      assert.equal(png.width, 128);
    },
  );

  describe('rendered', () => {
    const gradStudy = newUid();
    let mono2Url: string;
    let mono1Url: string;
    before(async () => {
      const m2 = gradient('MONOCHROME2', gradStudy);
      const m1 = gradient('MONOCHROME1', gradStudy);
      const stow = await post(
        `${base}/dicomweb/studies`,
        multipartBody('g', [encodePart10(m2, EXPLICIT), encodePart10(m1, EXPLICIT)]),
        {
          ...auth,
          'Content-Type': 'multipart/related; type="application/dicom"; boundary=g',
        },
      );
      assert.equal(stow.status, 200);
      const urls = ((stow.json as Json)['00081199']?.Value as Json[]).map((i) => i['00081190']?.Value?.[0] as string);
      [mono2Url, mono1Url] = urls as [string, string];
    });

    async function png(url: string): Promise<PNG> {
      const res = await fetch(url, { headers: { ...auth, Accept: 'image/png' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      return PNG.sync.read(bytes);
    }

    it('renders JPEG by default', async () => {
      const res = await fetch(`${mono2Url}/rendered`, { headers: auth });
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
      const image = decodeJpeg(bytes);
      assert.equal(image.width, 64);
      assert.equal(image.height, 64);
    });

    it('windows PNG output with the data set window, then the window parameter', async () => {
      const byDataset = await png(`${mono2Url}/rendered`);
      const column = 20; // value 1280
      const at = (image: PNG, x: number): number => image.data[(10 * image.width + x) * 4] as number;
      assert.ok(Math.abs(at(byDataset, column) - linear(1280, 1024, 2048)) <= 2, `got ${at(byDataset, column)}`);
      const byParam = await png(`${mono2Url}/rendered?window=1280,512,linear`);
      assert.ok(Math.abs(at(byParam, column) - linear(1280, 1280, 512)) <= 2, `got ${at(byParam, column)}`);
      assert.equal(at(byParam, 10), 0, 'below the window is black');
      assert.equal(at(byParam, 40), 255, 'above the window is white');
    });

    it('inverts MONOCHROME1', async () => {
      const m2 = await png(`${mono2Url}/frames/1/rendered`);
      const m1 = await png(`${mono1Url}/rendered`);
      for (const x of [5, 20, 50]) {
        const i = (30 * 64 + x) * 4;
        assert.ok(Math.abs((m1.data[i] as number) - (255 - (m2.data[i] as number))) <= 2, `column ${x}`);
      }
    });

    it('scales to the viewport and refuses unsupported parameters and media types', async () => {
      const small = await png(`${mono2Url}/rendered?viewport=32,16`);
      assert.deepEqual([small.width, small.height], [16, 16]);
      assert.equal((await fetch(`${mono2Url}/rendered?window=1,2,sigmoid`, { headers: auth })).status, 400);
      assert.equal((await fetch(`${mono2Url}/rendered`, { headers: { ...auth, Accept: 'image/gif' } })).status, 406);
    });
  });
});
