/**
 * The DICOM adapter's runtime (DESIGN.md flow 2): the blob store under the data directory, the
 * ingest service shared by C-STORE and STOW-RS, the DIMSE listener, the DICOMweb Endpoint
 * resource, and the worker that sends queued objects to remote AEs.
 */
import { join } from 'node:path';
import {
  startDimseServer,
  DICOM_STORE_TOPIC,
  createDicomStoreHandler,
  type DimseServer,
} from '../../adapters/dicom/src/dimse';
import { ensureDicomwebEndpoint, DICOMWEB_ENDPOINT_ID } from '../../adapters/dicom/src/ingest/endpoint';
import { DicomIngestService } from '../../adapters/dicom/src/ingest/ingest-service';
import { dicomMappingConfig } from '../../adapters/dicom/src/mapping';
import type { TesseraConfig } from './config';
import type { BlobStore } from './durable/blob-store';
import type { DurableRecords } from './durable/records';
import { QueueWorker } from './durable/queue-worker';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import type { FhirRepository } from './repository/repository';
import { FileBlobStore } from './storage/files/file-blob-store';

/** What the DICOM runtime is built from. */
export interface DicomRuntimeDeps {
  readonly config: TesseraConfig;
  readonly records: DurableRecords;
  /** A repository with system access. */
  readonly repo: FhirRepository;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The DICOM adapter, wired. */
export interface DicomRuntime {
  readonly blobs: BlobStore;
  readonly ingest: DicomIngestService;
  /**
   * Brings the Endpoint resource up to date and starts the DIMSE listener and the SCU worker.
   * @param baseUrl - the public base URL, known once HTTP listens
   * @returns the DIMSE port
   */
  listen(baseUrl: string): Promise<number>;
  /** Stops the listener (draining associations) and the worker. */
  stop(): Promise<void>;
}

/**
 * Builds the DICOM runtime (nothing listens until `listen`).
 * @param deps - configuration, records, repository, logger, metrics
 * @returns the runtime
 */
export function createDicomRuntime(deps: DicomRuntimeDeps): DicomRuntime {
  const { config, logger } = deps;
  const blobs = new FileBlobStore(join(config.dataDir, 'blobs'), { sync: config.sqliteSynchronous === 'full' });
  const ingest = new DicomIngestService({
    repo: deps.repo,
    index: deps.records.dicom,
    blobs,
    mapping: dicomMappingConfig(),
    endpoint: { reference: `Endpoint/${DICOMWEB_ENDPOINT_ID}` },
    logger: logger.child({ component: 'dicom-ingest' }),
    onOutcome: (outcome, ms, sent) => {
      const source = sent.startsWith('dicom://') ? 'dimse' : 'dicomweb';
      if (outcome.kind === 'stored') {
        deps.metrics.dicomInstance(source, outcome.created ? 'stored' : 'duplicate', '0000', ms);
      } else {
        deps.metrics.dicomInstance(source, 'rejected', outcome.status.toString(16).toUpperCase().padStart(4, '0'), ms);
      }
    },
  });
  let dimse: DimseServer | undefined;
  const sender = new QueueWorker({
    queue: deps.records.queue,
    topics: [DICOM_STORE_TOPIC],
    handler: createDicomStoreHandler({ blobs, remotes: config.dicomRemotes, callingAeTitle: config.dicomAet }),
    logger: logger.child({ component: 'dicom-scu' }),
    concurrency: 2,
  });
  return {
    blobs,
    ingest,
    listen: async (baseUrl) => {
      await ensureDicomwebEndpoint(deps.repo, baseUrl);
      dimse = await startDimseServer({
        host: config.host,
        port: config.dicomPort,
        aeTitle: config.dicomAet,
        ...(config.dicomAllowedAets === undefined ? {} : { allowedCallingAets: config.dicomAllowedAets }),
        maxAssociations: config.dicomMaxAssociations,
        maxPduLength: config.dicomMaxPduBytes,
        blobs,
        sink: ingest,
        index: deps.records.dicom,
        logger,
      });
      sender.start();
      return dimse.port;
    },
    stop: async () => {
      await Promise.all([dimse?.close(), sender.stop()]);
    },
  };
}
