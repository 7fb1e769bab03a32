/**
 * The DIMSE listener's admission and shutdown, through the real process (issue 4, "DIMSE";
 * DESIGN.md "Runtime contract"):
 * - TESSERA_DICOM_ALLOWED_AETS: an association from a calling AE title not in the list is
 *   rejected (PS3.8 9.3.4, A-ASSOCIATE-RJ "calling AE title not recognized"), a listed one accepted;
 * - SIGTERM while storescu is sending large radiographs (2048x2048, 16-bit): the in-flight
 *   association drains (every instance answered Success) or ends cleanly with an error at
 *   storescu, never a hang; a new association meanwhile is refused; the process exits 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertDcmtk, dcmtk, skipWithoutDcmtk, startDicomHarness, storeResponses, type DicomHarness } from './setup';

/** Resolves with `'timeout'` after `ms`, without keeping the test process alive. */
function timeout(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
}

describe('DIMSE admission and SIGTERM drain (real process)', { skip: skipWithoutDcmtk }, () => {
  let h: DicomHarness;

  const echo = (callingAet: string): ReturnType<typeof dcmtk> =>
    dcmtk('echoscu', ['-v', '-aet', callingAet, '-aec', 'TESSERA', '127.0.0.1', String(h.dicomPort)]);

  before(async () => {
    assertDcmtk();
    h = await startDicomHarness(
      'lifecycle',
      { radiographs: 4, radiographSize: 2048, ctSlices: 1, ctSize: 64, broken: false },
      { TESSERA_DICOM_ALLOWED_AETS: 'MODALITY1' },
    );
  });
  after(async () => {
    await h?.close();
  });

  it('rejects a calling AE title that is not allowed and accepts an allowed one', async () => {
    const other = await echo('OTHER');
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /Association Rejected/);
    assert.match(other.stderr, /Calling AE Title Not Recognized/);
    const allowed = await echo('MODALITY1');
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stderr, /Received Echo Response \(Success\)/);
  });

  it('SIGTERM during a large C-STORE: the association drains or fails cleanly, exit 0', async () => {
    const files = h.manifest.files.filter((f) => f.kind === 'radiograph' && f.rows === 2048);
    assert.equal(files.length, 4);
    const child = spawn(
      'storescu',
      [
        '-v',
        '-aet',
        'MODALITY1',
        '-aec',
        'TESSERA',
        '127.0.0.1',
        String(h.dicomPort),
        ...files.map((f) => join(h.corpusDir, f.path)),
      ],
      { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const sending = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/Sending Store Request/.test(output)) {
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const storescuExit = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    await sending;
    const stopping = h.tessera.stop();
    // Stop accepting: a new association during the drain is not served.
    const late = await dcmtk(
      'echoscu',
      ['-aet', 'MODALITY1', '-aec', 'TESSERA', '127.0.0.1', String(h.dicomPort)],
      5000,
    );
    const exit = await Promise.race([stopping, timeout(20_000)]);
    const storescuCode = await Promise.race([storescuExit, timeout(5_000)]);
    if (storescuCode === 'timeout') {
      child.kill('SIGKILL');
    }
    assert.equal(exit, 0, `Tessera exit after SIGTERM; storescu said:\n${output}`);
    assert.notEqual(late.code, 0, `a new association was accepted after SIGTERM: ${late.stderr}`);
    assert.notEqual(storescuCode, 'timeout', `storescu hung after Tessera exited:\n${output}`);
    const responses = storeResponses(output);
    assert.ok(responses.length >= 1, `the in-flight instance got no answer:\n${output}`);
    assert.ok(
      responses.every((r) => r === 'success'),
      `a C-STORE answered with a failure during the drain:\n${output}`,
    );
    if (responses.length === files.length) {
      assert.equal(storescuCode, 0, output);
    } else {
      // Stopped accepting: the rest of the association was aborted or released, not answered wrongly.
      assert.match(output, /Association (Aborted|Release)|Peer aborted|abort|closed/i, output);
    }
    const stopped = h.tessera.logs.map((l) => String(l.msg)).join('\n');
    assert.doesNotMatch(stopped, /uncaught|unhandled/i);
  });
});
