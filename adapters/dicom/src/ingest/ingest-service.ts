/**
 * The ingest service (DESIGN.md flow 2): a Part-10 file already in the blob store is inspected,
 * then its index row, its study's ImagingStudy (created or extended with the instance), the
 * Patient when new, and an inference job commit in one store transaction. Only then does the
 * receiver answer success (PS3.4 B.2.3). A SOP Instance UID already stored writes nothing.
 *
 * Lookups run before the write lock, and the ImagingStudy is built and handed to the analyzer
 * there too; under the lock the study is read again and rebuilt only if another instance of the
 * same study committed in between.
 */
import type { Endpoint, ImagingStudy, Patient, Reference, ServiceRequest } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import type { BlobStore, StoredBlob } from '../../../../server/src/durable/blob-store';
import type { DicomIndex, DicomInstanceRecord } from '../../../../server/src/durable/dicom-index';
import type { TransactionRecords } from '../../../../server/src/durable/records';
import type { FhirRepository } from '../../../../server/src/repository/repository';
import { buildImagingStudy, type DicomMappingConfig } from '../mapping';
import { DimseStatus } from '../status';
import { indexRecordOf } from './index-record';
import { KeyedBatcher } from './keyed-batcher';
import {
  checkPixelData,
  IngestRejection,
  inspectHead,
  inspectInstance,
  type InspectedInstance,
} from './inspect-instance';
import { findOrders, findPatient, imagingStudyIdOf, patientOf, readImagingStudy } from './study-resources';
import type { ArrivingInstance, IngestOutcome, InstanceSink, ReceivedInstance } from './types';

/** Queue topic of the job the inference service takes for each new image (DESIGN.md flow 3). */
export const INFERENCE_TOPIC = 'inference.image';

/** Placeholder subject of a study prepared outside the lock whose Patient is not created yet. */
const PENDING_PATIENT = 'Patient/pending';

/** The inference job's payload. */
export interface InferenceJobPayload {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  readonly modality?: string;
  /** Blob store address of the Part-10 file. */
  readonly sha256: string;
  /** `ImagingStudy/<id>`. */
  readonly imagingStudy: string;
}

/** What the service needs. */
export interface DicomIngestDeps {
  /** A repository with system access (not inside a transaction). */
  readonly repo: FhirRepository;
  readonly index: DicomIndex;
  readonly blobs: BlobStore;
  readonly mapping: DicomMappingConfig;
  /** The DICOMweb Endpoint every ImagingStudy names. */
  readonly endpoint?: Reference<Endpoint>;
  readonly logger: Logger;
  /** Called after each outcome (metrics). */
  readonly onOutcome?: (outcome: IngestOutcome, ms: number, source: string) => void;
}

/** A study built outside the lock from the version it was read at. */
interface Prepared {
  readonly study: ImagingStudy;
  readonly fromVersion: string | undefined;
  /** False when the Patient is new: it is created, and the study rebuilt, under the lock. */
  readonly complete: boolean;
}

/** What was decided before the write lock. */
type Preparation =
  | { readonly kind: 'duplicate'; readonly stored: DicomInstanceRecord }
  /** `prepared` is absent when the study was busy committing others: it is built at commit time. */
  | { readonly kind: 'new'; readonly studyId: string; readonly prepared?: Prepared };

/** One instance waiting for its study's commit. */
interface CommitItem {
  readonly instance: InspectedInstance;
  readonly record: DicomInstanceRecord;
  readonly source: string;
  readonly prepared?: Prepared;
}

/** Implements {@link InstanceSink} over the repository, the index and the queue. */
export class DicomIngestService implements InstanceSink {
  /** Commits per study, one at a time, batching the instances that arrive meanwhile. */
  private readonly studies = new KeyedBatcher<CommitItem, boolean>((studyId, items) =>
    this.commitStudy(studyId, items),
  );

  /**
   * @param deps - repository, index, blob store, mapping configuration, endpoint, logger
   */
  constructor(private readonly deps: DicomIngestDeps) {}

  /**
   * Ingests one stored Part-10 file.
   * @param received - the stored blob and what the receiver knows about it
   * @returns stored (new or duplicate) or rejected with a DIMSE status; never rejects
   */
  async ingest(received: ReceivedInstance): Promise<IngestOutcome> {
    return this.measured(received.source, async () => {
      try {
        const instance = await inspectInstance(received, (sha256) => this.readBlob(sha256));
        const preparation = await this.prepareInstance(instance, received.source);
        return await this.commit(instance, received.blob, received.source, preparation);
      } catch (error) {
        return this.refuse(received, received.source, error);
      }
    });
  }

  /**
   * Ingests an instance while its bytes are still being stored: the head is inspected and the
   * ImagingStudy prepared (and validated) meanwhile; the commit waits for the bytes to be durable.
   * @param arriving - the head, the pending blob and what the receiver knows
   * @returns as {@link DicomIngestService.ingest}
   */
  async ingestArriving(arriving: ArrivingInstance): Promise<IngestOutcome> {
    return this.measured(arriving.source, async () => {
      try {
        const { head, complete } = await arriving.headReady;
        const instance = inspectHead(head, complete, arriving);
        if (instance === undefined) {
          return await this.ingest({ ...(await this.storedOf(arriving)), ...contextOf(arriving) });
        }
        const preparation = this.prepareInstance(instance, arriving.source);
        preparation.catch(() => undefined); // awaited below; a storage failure must not leave it unobserved
        const stored = await this.storedOf(arriving);
        await checkPixelData(instance, stored, complete ? head : undefined, (sha256) => this.readBlob(sha256));
        return await this.commit(instance, stored.blob, arriving.source, await preparation);
      } catch (error) {
        const stored = await arriving.stored.catch(() => undefined);
        return this.refuse(stored, arriving.source, error);
      }
    });
  }

  private async measured(source: string, run: () => Promise<IngestOutcome>): Promise<IngestOutcome> {
    const started = Date.now();
    const outcome = await run();
    this.deps.onOutcome?.(outcome, Date.now() - started, source);
    return outcome;
  }

  private async storedOf(arriving: ArrivingInstance): Promise<Awaited<ArrivingInstance['stored']>> {
    try {
      return await arriving.stored;
    } catch (error) {
      throw new IngestRejection(DimseStatus.OutOfResources, `blob store: ${(error as Error).message}`);
    }
  }

  /**
   * Everything that can happen before the write lock: the duplicate check and, unless the study is
   * busy committing other instances (the study would change under it), the ImagingStudy with this
   * instance added, validated ahead.
   */
  private async prepareInstance(instance: InspectedInstance, source: string): Promise<Preparation> {
    const stored = await this.deps.index.getInstance(instance.uids.sopInstanceUid);
    if (stored !== undefined) {
      return { kind: 'duplicate', stored };
    }
    const studyId = imagingStudyIdOf(instance.uids.studyUid);
    if (this.studies.busy(studyId)) {
      return { kind: 'new', studyId };
    }
    const existing = await readImagingStudy(this.deps.repo, studyId);
    const prepared = await this.prepare([instance], studyId, existing, source, this.deps.repo);
    if (prepared.complete) {
      await this.deps.repo.preanalyze(prepared.study);
    }
    return { kind: 'new', studyId, prepared };
  }

  /** Hands the instance to its study's commit queue. */
  private async commit(
    instance: InspectedInstance,
    blob: StoredBlob,
    source: string,
    preparation: Preparation,
  ): Promise<IngestOutcome> {
    const { uids } = instance;
    if (preparation.kind === 'duplicate') {
      return this.duplicate(instance, preparation.stored, blob);
    }
    const { studyId } = preparation;
    const record = indexRecordOf(instance, blob, source, new Date());
    const created = await this.studies.submit(studyId, {
      instance,
      record,
      source,
      ...(preparation.prepared === undefined ? {} : { prepared: preparation.prepared }),
    });
    return { kind: 'stored', uids, created, imagingStudyId: studyId, warnings: [] };
  }

  /**
   * Commits instances of one study in one transaction: their index rows, one ImagingStudy version
   * with all of them, a new Patient when needed, and their inference jobs.
   * @returns per instance, whether it was new (false: the same SOP Instance UID committed meanwhile)
   */
  private async commitStudy(studyId: string, items: readonly CommitItem[]): Promise<boolean[]> {
    const repo = this.deps.repo;
    const source = items[0]?.source ?? 'dicom';
    const instances = items.map((i) => i.instance);
    let prepared = items.length === 1 ? items[0]?.prepared : undefined;
    // Commits of a study are serial here, so the version read now holds unless another process writes.
    const version = await currentVersion(repo, studyId);
    if (prepared === undefined || prepared.fromVersion !== version) {
      prepared = await this.prepare(instances, studyId, await readImagingStudy(repo, studyId), source, repo);
      if (prepared.complete) {
        await repo.preanalyze(prepared.study);
      }
    }
    const ready = prepared;
    return repo.withTransaction(async (tx, records) => {
      const created: boolean[] = [];
      for (const item of items) {
        created.push((await records.dicom.putInstance(item.record)) === 'created');
      }
      const fresh = items.filter((_, k) => created[k] === true);
      if (fresh.length === 0) {
        return created; // all committed meanwhile (another association, another process)
      }
      // Under the lock: reuse the study built outside it unless something changed since.
      const unchanged =
        ready.complete && fresh.length === items.length && (await currentVersion(tx, studyId)) === ready.fromVersion;
      const study = unchanged
        ? ready.study
        : (
            await this.prepare(
              fresh.map((i) => i.instance),
              studyId,
              await readImagingStudy(tx, studyId),
              source,
              tx,
            )
          ).study;
      await tx.update<ImagingStudy>(study);
      for (const item of fresh) {
        if (item.instance.hasPixelData) {
          await enqueueInference(records, item.instance, item.record, studyId);
        }
      }
      return created;
    });
  }

  /** Builds the ImagingStudy with the instances added; the Patient is created (under the lock) when new. */
  private async prepare(
    instances: readonly InspectedInstance[],
    studyId: string,
    existing: ImagingStudy | undefined,
    source: string,
    repo: FhirRepository,
  ): Promise<Prepared> {
    const first = instances[0];
    if (first === undefined) {
      throw new Error('no instances to prepare a study from');
    }
    const subject = existing?.subject ?? (await this.subjectOf(first, repo));
    // Orders are looked up when the study is new or an instance brings an accession it lacks.
    const orders: Reference<ServiceRequest>[] = [];
    const looked = new Set<string>();
    for (const instance of instances) {
      const accession = accessionOf(instance);
      if (!hasAccessionOf(existing, instance) && !looked.has(accession)) {
        looked.add(accession);
        orders.push(...(await findOrders(repo, instance.meta)));
      }
    }
    const built = buildImagingStudy(
      instances.map((i) => i.meta),
      {
        subject: subject as Reference<Patient>,
        basedOn: orders,
        ...(this.deps.endpoint === undefined ? {} : { endpoint: this.deps.endpoint }),
        source,
      },
      existing,
      this.deps.mapping,
    );
    for (const warning of built.warnings) {
      this.deps.logger.warn({ studyId, warning }, 'DICOM mapping warning');
    }
    return {
      study: { ...built.study, id: studyId },
      fromVersion: existing?.meta?.versionId,
      complete: subject.reference !== PENDING_PATIENT,
    };
  }

  /** The study's Patient: matched by identifier, created (inside the transaction only) when new. */
  private async subjectOf(instance: InspectedInstance, repo: FhirRepository): Promise<Reference> {
    const { patient, identifier } = patientOf(instance.meta, instance.uids.studyUid, this.deps.mapping);
    const found = await findPatient(repo, identifier);
    if (found !== undefined) {
      return found;
    }
    if (repo === this.deps.repo) {
      // Outside the lock a new Patient is only a placeholder; it is created under the lock.
      return { reference: PENDING_PATIENT };
    }
    const createdPatient = await repo.create<Patient>(patient);
    return { reference: `Patient/${createdPatient.resource.id ?? ''}` };
  }

  private duplicate(instance: InspectedInstance, stored: DicomInstanceRecord, blob: StoredBlob): IngestOutcome {
    const warnings: string[] = [];
    if (stored.sha256 !== blob.sha256) {
      // Same SOP Instance UID, different bytes: the first copy stays (as PACS usually do).
      const warning = `SOP Instance ${instance.uids.sopInstanceUid} already stored with other content; kept the first`;
      warnings.push(warning);
      this.deps.logger.warn({ stored: stored.sha256, received: blob.sha256 }, warning);
    }
    return {
      kind: 'stored',
      uids: instance.uids,
      created: false,
      imagingStudyId: imagingStudyIdOf(instance.uids.studyUid),
      warnings,
    };
  }

  private async refuse(
    stored: { readonly blob: StoredBlob } | undefined,
    source: string,
    error: unknown,
  ): Promise<IngestOutcome> {
    const rejection =
      error instanceof IngestRejection
        ? error
        : new IngestRejection(
            isResourceExhaustion(error) ? DimseStatus.OutOfResources : DimseStatus.ProcessingFailure,
            `could not store: ${error instanceof Error ? error.message : String(error)}`,
          );
    if (!(error instanceof IngestRejection)) {
      this.deps.logger.error({ err: error, sha256: stored?.blob.sha256 }, 'DICOM ingest failed');
    }
    try {
      await this.deps.index.recordRejection({
        ...(stored === undefined ? {} : { sha256: stored.blob.sha256 }),
        size: stored?.blob.size ?? 0,
        source,
        status: rejection.status,
        reason: rejection.reason,
        ...rejection.uids,
      });
    } catch (logError) {
      this.deps.logger.error({ err: logError, reason: rejection.reason }, 'could not record a DICOM rejection');
    }
    return { kind: 'rejected', status: rejection.status, reason: rejection.reason, ...rejection.uids };
  }

  private async readBlob(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.deps.blobs.open(sha256)) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
}

/** The stored study's version, without parsing it; undefined when there is none. */
async function currentVersion(repo: FhirRepository, studyId: string): Promise<string | undefined> {
  try {
    return String((await repo.readJson('ImagingStudy', studyId)).versionId);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 410) {
      return undefined;
    }
    throw error;
  }
}

function accessionOf(instance: InspectedInstance): string {
  return typeof instance.meta.AccessionNumber === 'string' ? instance.meta.AccessionNumber.trim() : '';
}

/** Whether the stored study already carries the instance's accession number (or the instance has none). */
function hasAccessionOf(existing: ImagingStudy | undefined, instance: InspectedInstance): boolean {
  const accession = accessionOf(instance);
  if (existing === undefined) {
    return accession === '';
  }
  return accession === '' || (existing.identifier ?? []).some((i) => i.value === accession && i.type !== undefined);
}

function contextOf(arriving: ArrivingInstance): Pick<ReceivedInstance, 'source' | 'declared' | 'expectedStudyUid'> {
  return {
    source: arriving.source,
    ...(arriving.declared === undefined ? {} : { declared: arriving.declared }),
    ...(arriving.expectedStudyUid === undefined ? {} : { expectedStudyUid: arriving.expectedStudyUid }),
  };
}

async function enqueueInference(
  records: TransactionRecords,
  instance: InspectedInstance,
  record: DicomInstanceRecord,
  studyId: string,
): Promise<void> {
  const payload: InferenceJobPayload = {
    studyUid: instance.uids.studyUid,
    seriesUid: instance.uids.seriesUid,
    sopInstanceUid: instance.uids.sopInstanceUid,
    sopClassUid: instance.uids.sopClassUid,
    ...(record.modality === undefined ? {} : { modality: record.modality }),
    sha256: record.sha256,
    imagingStudy: `ImagingStudy/${studyId}`,
  };
  await records.queue.enqueue({ topic: INFERENCE_TOPIC, key: instance.uids.sopInstanceUid, payload });
}

/** Disk full, too many open files, out of memory: PS3.4 B.2.3 "Refused: Out of Resources". */
function isResourceExhaustion(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}
