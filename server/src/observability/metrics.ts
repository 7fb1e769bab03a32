/**
 * Prometheus metrics (prom-client), exposed at `/metrics` (DESIGN.md, "Runtime contract"):
 * process defaults, HTTP request counts and durations per FHIR interaction, and Store operation
 * durations per backend (`instrumentStore` wraps any Store, so both backends report alike).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store, StoreSession } from '../storage/store';

/** The process's metrics. */
export interface Metrics {
  readonly registry: Registry;
  /** `tessera_http_requests_total{method,interaction,resource_type,status}` */
  readonly httpRequests: Counter<'method' | 'interaction' | 'resource_type' | 'status'>;
  /** `tessera_http_request_duration_seconds{interaction,resource_type}` */
  readonly httpDuration: Histogram<'interaction' | 'resource_type'>;
  /** `tessera_store_operation_duration_seconds{backend,operation}` */
  readonly storeDuration: Histogram<'backend' | 'operation'>;
  /** `tessera_hl7_messages_total{message_type,ack_code}` */
  readonly hl7Messages: Counter<'message_type' | 'ack_code'>;
  /** `tessera_hl7_message_duration_seconds{message_type}`: receipt to ACK. */
  readonly hl7Duration: Histogram<'message_type'>;
  /**
   * Records one processed HL7 message.
   * @param messageType - e.g. `ORU^R01`
   * @param ackCode - MSA-1 sent
   * @param ms - receipt to ACK
   */
  hl7Message(messageType: string, ackCode: string, ms: number): void;
  /** `tessera_dicom_instances_total{source,outcome,status}` */
  readonly dicomInstances: Counter<'source' | 'outcome' | 'status'>;
  /** `tessera_dicom_ingest_duration_seconds{outcome}`: stored blob to committed index and ImagingStudy. */
  readonly dicomDuration: Histogram<'outcome'>;
  /**
   * Records one received DICOM instance.
   * @param source - `dimse` or `dicomweb`
   * @param outcome - `stored`, `duplicate` or `rejected`
   * @param status - the DIMSE status sent, hex (`0000`, `A900`, ...)
   * @param ms - ingest time
   */
  dicomInstance(source: string, outcome: string, status: string, ms: number): void;
}

/** Creates a registry with the default process metrics and Tessera's own. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const hl7Messages = new Counter({
    name: 'tessera_hl7_messages_total',
    help: 'HL7 v2 messages processed, by message type and MSA-1 acknowledgment code',
    labelNames: ['message_type', 'ack_code'] as const,
    registers: [registry],
  });
  const hl7Duration = new Histogram({
    name: 'tessera_hl7_message_duration_seconds',
    help: 'HL7 v2 message handling time from receipt to ACK, by message type',
    labelNames: ['message_type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const dicomInstances = new Counter({
    name: 'tessera_dicom_instances_total',
    help: 'DICOM instances received (C-STORE and STOW-RS), by source, outcome and DIMSE status',
    labelNames: ['source', 'outcome', 'status'] as const,
    registers: [registry],
  });
  const dicomDuration = new Histogram({
    name: 'tessera_dicom_ingest_duration_seconds',
    help: 'DICOM ingest time from stored blob to committed index row and ImagingStudy',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    dicomInstances,
    dicomDuration,
    dicomInstance: (source, outcome, status, ms) => {
      dicomInstances.inc({ source, outcome, status });
      dicomDuration.observe({ outcome }, ms / 1000);
    },
    hl7Messages,
    hl7Duration,
    hl7Message: (messageType, ackCode, ms) => {
      hl7Messages.inc({ message_type: messageType, ack_code: ackCode });
      hl7Duration.observe({ message_type: messageType }, ms / 1000);
    },
    httpRequests: new Counter({
      name: 'tessera_http_requests_total',
      help: 'HTTP requests by method, FHIR interaction, resource type and status',
      labelNames: ['method', 'interaction', 'resource_type', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request duration by FHIR interaction and resource type',
      labelNames: ['interaction', 'resource_type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    storeDuration: new Histogram({
      name: 'tessera_store_operation_duration_seconds',
      help: 'Store operation duration by backend and operation',
      labelNames: ['backend', 'operation'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
  };
}

type Timer = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

function timer(backend: string, metrics: Metrics): Timer {
  return async (operation, run) => {
    const end = metrics.storeDuration.startTimer({ backend, operation });
    try {
      return await run();
    } finally {
      end();
    }
  };
}

function instrumentSession(session: StoreSession, time: Timer): StoreSession {
  return {
    readCurrent: (type, id) => time('session.readCurrent', () => session.readCurrent(type, id)),
    readMany: (refs) => time('session.readMany', () => session.readMany(refs)),
    readVersion: (type, id, v) => time('session.readVersion', () => session.readVersion(type, id, v)),
    search: (plan) => time('session.search', () => session.search(plan)),
    history: (query) => time('session.history', () => session.history(query)),
    write: (write) => time('session.write', () => session.write(write)),
    records: session.records,
  };
}

/**
 * Wraps every Store method with a duration timer.
 * @param store - the backend.
 * @param metrics - where the timings go.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const time = timer(store.name, metrics);
  return {
    name: store.name,
    capabilities: store.capabilities,
    records: store.records,
    init: () => time('init', () => store.init()),
    ping: () => time('ping', () => store.ping()),
    readCurrent: (type, id) => time('readCurrent', () => store.readCurrent(type, id)),
    readMany: (refs) => time('readMany', () => store.readMany(refs)),
    readVersion: (type, id, v) => time('readVersion', () => store.readVersion(type, id, v)),
    search: (plan) => time('search', () => store.search(plan)),
    history: (query) => time('history', () => store.history(query)),
    transaction: (fn) =>
      time('transaction', () => store.transaction((session) => fn(instrumentSession(session, time)))),
    scan: (type, afterId, limit) => time('scan', () => store.scan(type, afterId, limit)),
    reindex: (type, id, index, compartments) => time('reindex', () => store.reindex(type, id, index, compartments)),
    close: () => time('close', () => store.close()),
  };
}
