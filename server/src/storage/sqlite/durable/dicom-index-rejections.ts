/**
 * Rows of `tessera_dicom_rejections`: every refused DICOM input, kept so that nothing is dropped
 * silently (server/src/durable/dicom-index.ts, DicomRejectionRecord).
 */
import type { DicomRejectionRow } from '../../../durable/dicom-index';
import { DICOM_REJECTIONS_TABLE } from '../schema';
import type { StatementCache } from '../statement-cache';

/** A rejection as SQLite returns it. */
export interface RejectionRow {
  id: string;
  received_at: string;
  sha256: string | null;
  size: number;
  source: string;
  status: number;
  reason: string;
  sop_class_uid: string | null;
  sop_instance_uid: string | null;
}

/** The columns selected for a RejectionRow. */
export const REJECTION_COLUMNS =
  'id, received_at, sha256, size, source, status, reason, sop_class_uid, sop_instance_uid';

/**
 * Inserts a rejection.
 * @param cache - write-connection statements.
 * @param r - the rejection with its id and time.
 */
export function insertRejection(cache: StatementCache, r: DicomRejectionRow): void {
  cache
    .get(`INSERT INTO ${DICOM_REJECTIONS_TABLE} (${REJECTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      r.id,
      r.receivedAt,
      r.sha256 ?? null,
      r.size,
      r.source,
      r.status,
      r.reason,
      r.sopClassUid ?? null,
      r.sopInstanceUid ?? null,
    );
}

/**
 * The port's row from a SQLite row (absent optional fields stay absent).
 * @param row - the SQLite row.
 */
export function fromRejectionRow(row: RejectionRow): DicomRejectionRow {
  return {
    id: row.id,
    receivedAt: row.received_at,
    ...(row.sha256 === null ? {} : { sha256: row.sha256 }),
    size: row.size,
    source: row.source,
    status: row.status,
    reason: row.reason,
    ...(row.sop_class_uid === null ? {} : { sopClassUid: row.sop_class_uid }),
    ...(row.sop_instance_uid === null ? {} : { sopInstanceUid: row.sop_instance_uid }),
  };
}
