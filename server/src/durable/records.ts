/**
 * The durable records a store keeps beside resources (DESIGN.md: queue and raw messages in the
 * same database), as seen by the code above the storage layer. Adapters and workers use these
 * ports; only storage backends implement them.
 */
import type { ChangeFeed } from './change-feed';
import type { DicomIndex, DicomIndexWriter } from './dicom-index';
import type { MessageLog, MessageLogWriter } from './message-log';
import type { DurableState, StateWriter } from './state';
import type { QueueWriter, WorkQueue } from './work-queue';

/** What a store transaction can write besides resources; committed with them or not at all. */
export interface TransactionRecords {
  readonly queue: QueueWriter;
  readonly messages: MessageLogWriter;
  readonly state: StateWriter;
  readonly dicom: DicomIndexWriter;
}

/** The durable records outside a transaction (each call is its own durable write). */
export interface DurableRecords {
  readonly queue: WorkQueue;
  readonly messages: MessageLog;
  readonly state: DurableState;
  readonly changes: ChangeFeed;
  readonly dicom: DicomIndex;
}
