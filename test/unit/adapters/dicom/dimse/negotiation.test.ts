// Presentation context negotiation, pure and with real storescu/findscu proposals.
// Covers: PS3.8 9.3.3.2 (presentation context results: acceptance, abstract-syntax-not-supported,
// transfer-syntaxes-not-supported), PS3.7 D.3.3.4 (the acceptor chooses one of the offered
// transfer syntaxes: ours by preference, not the peer's first or last), PS3.4 B.5 (any Storage
// SOP Class accepted).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { association, constants } from 'dcmjs-dimse';
import pino from 'pino';
import type { DimseServer } from '../../../../../adapters/dicom/src/dimse';
import {
  STUDY_ROOT_FIND_SOP_CLASS,
  TRANSFER_SYNTAX_PREFERENCE,
  VERIFICATION_SOP_CLASS,
  chooseTransferSyntax,
  readPart10Meta,
  startDimseServer,
} from '../../../../../adapters/dicom/src/dimse';
import { negotiatePresentationContexts } from '../../../../../adapters/dicom/src/dimse/negotiation';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';
import { TransferSyntax } from '../../../../fixtures/dicom/corpus';
import type { TestCorpus } from './dimse-peers';
import { RecordingSink, makeCorpus, readBlob, runDcmtk } from './dimse-peers';

const { PresentationContextResult } = constants;
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';
const JPEG_2000 = '1.2.840.10008.1.2.4.91';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

describe('transfer syntax preference', () => {
  it('puts explicit VR LE first, then implicit, deflated and lossless before lossy', () => {
    const rank = (uid: string): number => TRANSFER_SYNTAX_PREFERENCE.indexOf(uid);
    assert.equal(rank(TransferSyntax.explicitLittle), 0);
    assert.equal(rank(TransferSyntax.implicitLittle), 1);
    assert.equal(rank(TransferSyntax.deflatedExplicitLittle), 2);
    assert.ok(rank(JPEG_LOSSLESS) < rank(TransferSyntax.rleLossless));
    assert.ok(rank(TransferSyntax.jpegLsLossless) < rank(JPEG_BASELINE));
    assert.ok(rank(JPEG_BASELINE) < rank(JPEG_2000));
  });

  it('chooses by our order whatever the offered order', () => {
    assert.equal(
      chooseTransferSyntax([JPEG_LOSSLESS, TransferSyntax.explicitLittle, TransferSyntax.implicitLittle]),
      TransferSyntax.explicitLittle,
    );
    assert.equal(chooseTransferSyntax([JPEG_2000, JPEG_BASELINE]), JPEG_BASELINE);
    assert.equal(chooseTransferSyntax([JPEG_BASELINE, JPEG_LOSSLESS]), JPEG_LOSSLESS);
    assert.equal(chooseTransferSyntax([BIG_ENDIAN]), undefined);
    assert.equal(chooseTransferSyntax(['1.2.3.4.5']), undefined);
  });

  it('sets accept / abstract-syntax / transfer-syntax results on each proposed context', () => {
    const request = new association.Association('SCU', 'TESSERA');
    const ct = request.addPresentationContext('1.2.840.10008.5.1.4.1.1.2');
    request.addTransferSyntaxToPresentationContext(ct, JPEG_2000);
    request.addTransferSyntaxToPresentationContext(ct, TransferSyntax.implicitLittle);
    const worklist = request.addPresentationContext('1.2.840.10008.5.1.4.31');
    request.addTransferSyntaxToPresentationContext(worklist, TransferSyntax.implicitLittle);
    const bigOnly = request.addPresentationContext('1.2.840.10008.5.1.4.1.1.1.1');
    request.addTransferSyntaxToPresentationContext(bigOnly, BIG_ENDIAN);
    const echo = request.addPresentationContext(VERIFICATION_SOP_CLASS);
    request.addTransferSyntaxToPresentationContext(echo, TransferSyntax.implicitLittle);
    const find = request.addPresentationContext(STUDY_ROOT_FIND_SOP_CLASS);
    request.addTransferSyntaxToPresentationContext(find, TransferSyntax.explicitLittle);

    const decisions = negotiatePresentationContexts(request);
    const byId = new Map(decisions.map((d) => [d.id, d]));
    assert.equal(byId.get(ct)?.result, PresentationContextResult.Accept);
    assert.equal(request.getPresentationContext(ct).getAcceptedTransferSyntaxUid(), TransferSyntax.implicitLittle);
    assert.equal(byId.get(worklist)?.result, PresentationContextResult.RejectAbstractSyntaxNotSupported);
    assert.equal(byId.get(bigOnly)?.result, PresentationContextResult.RejectTransferSyntaxesNotSupported);
    assert.equal(byId.get(echo)?.result, PresentationContextResult.Accept);
    assert.equal(byId.get(find)?.transferSyntaxUid, TransferSyntax.explicitLittle);
  });
});

describe('negotiation with dcmtk peers', () => {
  let dir = '';
  let corpus: TestCorpus;
  let blobs: FileBlobStore;
  let sink: RecordingSink;
  let server: DimseServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-negotiation-'));
    corpus = await makeCorpus(false);
    blobs = new FileBlobStore(join(dir, 'blobs'));
    sink = new RecordingSink(blobs);
    server = await startDimseServer({
      host: '127.0.0.1',
      port: 0,
      aeTitle: 'TESSERA',
      blobs,
      sink,
      index: { findStudies: () => Promise.resolve([]), findSeries: () => Promise.resolve([]) },
      logger: pino({ level: 'silent' }),
    });
  });

  after(async () => {
    await server.close();
    await corpus.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends the small implicit-VR radiograph with storescu options; returns the stored transfer syntax. */
  async function storedSyntax(options: readonly string[]): Promise<string> {
    const entry = corpus.find((e) => e.path.endsWith('cr-mono1-latin-implicit.dcm'));
    const before = sink.records.length;
    const result = await runDcmtk('storescu', [
      ...options,
      '-aec',
      'TESSERA',
      '127.0.0.1',
      String(server.port),
      corpus.path(entry),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const record = sink.records[before];
    assert.ok(record);
    return readPart10Meta(await readBlob(blobs, record.received.blob.sha256)).transferSyntaxUid;
  }

  it('picks explicit VR LE from one context offering JPEG lossless first and implicit last (-R +C -xs)', async () => {
    assert.equal(await storedSyntax(['-R', '+C', '-xs']), TransferSyntax.explicitLittle);
  });

  it('picks explicit VR LE over deflated offered first (-R +C -xd)', async () => {
    assert.equal(await storedSyntax(['-R', '+C', '-xd']), TransferSyntax.explicitLittle);
  });

  it('accepts implicit VR LE when it is the only offer (-R -xi)', async () => {
    assert.equal(await storedSyntax(['-R', '-xi']), TransferSyntax.implicitLittle);
  });

  it('rejects an abstract syntax it does not serve (Modality Worklist FIND)', async () => {
    const result = await runDcmtk('findscu', [
      '-W',
      '-aec',
      'TESSERA',
      '-k',
      'PatientID=',
      '127.0.0.1',
      String(server.port),
    ]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr + result.stdout, /No Acceptable Presentation Contexts/i);
  });
});
