/**
 * A real InstanceSink for the DICOMweb tests: reads the stored blob back, parses it with dcmjs,
 * checks the UIDs (PS3.4 B.2.3 statuses) and records the instance through a DicomIndexWriter. The
 * production sink (FHIR ImagingStudy, inference job) is another module; this one keeps only the
 * index part of its contract.
 */
import { readPart10 } from '../../../../../../adapters/dicom/src/dcmjs';
import { readBlob } from '../../../../../../adapters/dicom/src/dicomweb/wado';
import type { IngestOutcome, InstanceSink, ReceivedInstance } from '../../../../../../adapters/dicom/src/ingest/types';
import { DimseStatus } from '../../../../../../adapters/dicom/src/status';
import type { BlobStore } from '../../../../../../server/src/durable/blob-store';
import type {
  DicomInstanceRecord,
  DicomJson,
  DicomJsonElement,
} from '../../../../../../server/src/durable/dicom-index';

const STUDY_TAGS = [
  '00080005',
  '00080020',
  '00080030',
  '00080050',
  '00080090',
  '00081030',
  '00100010',
  '00100020',
  '00100030',
  '00100040',
  '0020000D',
  '00200010',
];
const SERIES_TAGS = ['00080060', '0008103E', '0020000E', '00200011'];

function pick(dict: Record<string, DicomJsonElement>, tags: string[]): DicomJson {
  return Object.fromEntries(tags.filter((t) => dict[t] !== undefined).map((t) => [t, dict[t] as DicomJsonElement]));
}

function str(dict: Record<string, DicomJsonElement>, tag: string): string | undefined {
  const v = dict[tag]?.Value?.[0];
  if (v !== null && typeof v === 'object' && 'Alphabetic' in v) {
    return String((v as { Alphabetic: string }).Alphabetic);
  }
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** Parses, checks and indexes received instances. */
export class ParsingSink implements InstanceSink {
  readonly received: ReceivedInstance[] = [];

  constructor(
    private readonly blobs: BlobStore,
    /** Writes the index row (in a store transaction), answering `created` or `exists`. */
    private readonly put: (record: DicomInstanceRecord) => Promise<'created' | 'exists'>,
  ) {}

  async ingest(received: ReceivedInstance): Promise<IngestOutcome> {
    this.received.push(received);
    let parsed;
    try {
      parsed = readPart10(await readBlob(this.blobs, received.blob.sha256));
    } catch (err) {
      return { kind: 'rejected', status: DimseStatus.CannotUnderstand, reason: `Not DICOM: ${(err as Error).message}` };
    }
    const dict = parsed.dict as Record<string, DicomJsonElement>;
    const studyUid = str(dict, '0020000D');
    const seriesUid = str(dict, '0020000E');
    const sopInstanceUid = str(dict, '00080018');
    const sopClassUid = str(dict, '00080016');
    if (!studyUid || !seriesUid || !sopInstanceUid || !sopClassUid) {
      return {
        kind: 'rejected',
        status: DimseStatus.CannotUnderstand,
        reason: 'Required UIDs missing',
        ...(sopClassUid ? { sopClassUid } : {}),
      };
    }
    if (str(parsed.meta as Record<string, DicomJsonElement>, '00020002') !== sopClassUid) {
      return {
        kind: 'rejected',
        status: DimseStatus.DataSetDoesNotMatchSopClass,
        reason: 'Meta SOP class differs',
        sopClassUid,
        sopInstanceUid,
      };
    }
    if (received.expectedStudyUid !== undefined && received.expectedStudyUid !== studyUid) {
      return {
        kind: 'rejected',
        status: DimseStatus.DataSetDoesNotMatchSopClass,
        reason: 'Study differs from the path',
        sopClassUid,
        sopInstanceUid,
      };
    }
    const transferSyntaxUid = str(parsed.meta as Record<string, DicomJsonElement>, '00020010') ?? '1.2.840.10008.1.2.1';
    const instanceAttributes: Record<string, DicomJsonElement> = {};
    for (const [tag, el] of Object.entries(dict)) {
      instanceAttributes[tag] = tag === '7FE00010' ? { vr: el.vr, BulkDataURI: 'stored' } : el;
    }
    const frames = Number(str(dict, '00280008') ?? 1);
    const created = await this.put({
      studyUid,
      seriesUid,
      sopInstanceUid,
      sopClassUid,
      transferSyntaxUid,
      sha256: received.blob.sha256,
      size: received.blob.size,
      source: received.source,
      receivedAt: new Date().toISOString(),
      patientId: str(dict, '00100020'),
      patientName: str(dict, '00100010'),
      studyDate: str(dict, '00080020'),
      accessionNumber: str(dict, '00080050'),
      modality: str(dict, '00080060'),
      instanceNumber: Number(str(dict, '00200013') ?? 0),
      numberOfFrames: frames,
      studyAttributes: pick(dict, STUDY_TAGS),
      seriesAttributes: pick(dict, SERIES_TAGS),
      instanceAttributes,
    });
    return {
      kind: 'stored',
      uids: { studyUid, seriesUid, sopInstanceUid, sopClassUid, transferSyntaxUid },
      created: created === 'created',
      imagingStudyId: `is-${studyUid}`,
      warnings: [],
    };
  }
}
