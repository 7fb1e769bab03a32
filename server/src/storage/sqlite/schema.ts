/**
 * The SQLite schema: global tables (schema version, known resource types, the version history)
 * created by numbered migrations, and per resource type a current-version table plus one search
 * index table per index kind, created lazily on the first write of that type.
 *
 * Every index table references the current row by its INTEGER `rid` (the table's rowid), which
 * keeps index rows small and joins cheap. Index tables are WITHOUT ROWID and clustered by
 * `(rid, seq)`, which serves deletes on update, probes and sort-key lookups with no extra B-tree;
 * one `(code, value..., rid)` index per table serves searches. Every B-tree a write touches costs
 * WAL pages, so there are as few as the searches need (https://www.sqlite.org/withoutrowid.html).
 */
import type Database from 'better-sqlite3';
import { INDEX_KINDS, type IndexKind } from '../../search/index-entries';

/** Index table kinds: one per IndexEntry kind, plus compartment membership. */
export type IndexTableKind = IndexKind | 'compartment';

/** Every index table kind, in a fixed order. */
export const INDEX_TABLE_KINDS: readonly IndexTableKind[] = [...INDEX_KINDS, 'compartment'];

/** Global table holding every version of every resource (instance, type and system history). */
export const HISTORY_TABLE = 'tessera_history';
/** Global table listing the resource types whose tables exist. */
export const TYPES_TABLE = 'tessera_types';
/** The durable work queue (server/src/durable/work-queue.ts). */
export const QUEUE_TABLE = 'tessera_queue';
/** The inbound message log (server/src/durable/message-log.ts). */
export const MESSAGES_TABLE = 'tessera_messages';
/** Key/value process state (server/src/durable/state.ts). */
export const STATE_TABLE = 'tessera_state';
/** DICOM index, study level (server/src/durable/dicom-index.ts). */
export const DICOM_STUDIES_TABLE = 'tessera_dicom_studies';
/**
 * DICOM index: the modalities of each study with the study's date ('' when absent), clustered in
 * the study list's order so that ModalitiesInStudy pages read no more rows than they return.
 */
export const DICOM_STUDY_MODALITIES_TABLE = 'tessera_dicom_study_modalities';
/** DICOM index, series level. */
export const DICOM_SERIES_TABLE = 'tessera_dicom_series';
/** DICOM index, instance level. */
export const DICOM_INSTANCES_TABLE = 'tessera_dicom_instances';
/** Refused DICOM inputs. */
export const DICOM_REJECTIONS_TABLE = 'tessera_dicom_rejections';
/** Global table recording applied schema migrations. */
export const SCHEMA_TABLE = 'tessera_schema';

const TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

/**
 * Whether `type` can name tables (FHIR type names are PascalCase letters and digits). Checked
 * before any table name is built, so table names never carry user input unchecked.
 * @param type - a resource type name.
 */
export function isValidTypeName(type: string): boolean {
  return TYPE_NAME.test(type);
}

/**
 * The quoted name of a type's current-version table.
 * @param type - a resource type (validated).
 */
export function resourceTable(type: string): string {
  if (!isValidTypeName(type)) {
    throw new Error(`Invalid resource type name for SQLite storage: ${JSON.stringify(type)}`);
  }
  return `"${type}"`;
}

/**
 * The quoted name of one of a type's index tables.
 * @param type - a resource type (validated).
 * @param kind - the index table kind.
 */
export function indexTable(type: string, kind: IndexTableKind): string {
  resourceTable(type);
  return `"${type}_${kind}"`;
}

const INDEX_COLUMNS: Record<IndexTableKind, { columns: string; indexes: readonly string[] }> = {
  string: {
    columns: 'code TEXT NOT NULL, norm TEXT NOT NULL, exact TEXT NOT NULL',
    // `:exact` searches use the norm index too (equal text has equal norm) and then compare `exact`.
    indexes: ['code, norm, rid'],
  },
  token: {
    columns: 'code TEXT NOT NULL, system TEXT, value TEXT, text TEXT, types TEXT',
    indexes: ['code, value, system, rid'],
  },
  reference: {
    columns: 'code TEXT NOT NULL, target_type TEXT, target_id TEXT, ref TEXT, ident_system TEXT, ident_value TEXT',
    indexes: ['code, target_id, target_type, rid'],
  },
  date: { columns: 'code TEXT NOT NULL, low REAL NOT NULL, high REAL NOT NULL', indexes: ['code, low, high, rid'] },
  number: {
    columns: 'code TEXT NOT NULL, value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL',
    indexes: ['code, low, high, rid'],
  },
  quantity: {
    columns: 'code TEXT NOT NULL, value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL, system TEXT, unit TEXT',
    indexes: ['code, low, high, rid'],
  },
  uri: { columns: 'code TEXT NOT NULL, value TEXT NOT NULL', indexes: ['code, value, rid'] },
  composite: {
    columns:
      'code TEXT NOT NULL, system TEXT, value TEXT, ' +
      'p2_a TEXT, p2_b TEXT, p2_c TEXT, p2_low REAL, p2_high REAL, ' +
      'p3_a TEXT, p3_b TEXT, p3_c TEXT, p3_low REAL, p3_high REAL',
    indexes: ['code, value, system, rid'],
  },
  compartment: { columns: 'compartment TEXT NOT NULL', indexes: ['compartment, rid'] },
};

/**
 * DDL creating a type's current table and index tables (idempotent statements).
 * @param type - a resource type (validated).
 */
export function typeTablesDdl(type: string): string {
  const t = resourceTable(type);
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${t} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL, version INTEGER NOT NULL, ` +
      'last_updated TEXT NOT NULL, last_updated_ms INTEGER NOT NULL, deleted INTEGER NOT NULL, method TEXT NOT NULL, ' +
      'json TEXT NOT NULL)',
    `CREATE UNIQUE INDEX IF NOT EXISTS "${type}__id" ON ${t}(id)`,
    `CREATE INDEX IF NOT EXISTS "${type}__lu" ON ${t}(last_updated_ms, id)`,
  ];
  for (const kind of INDEX_TABLE_KINDS) {
    const spec = INDEX_COLUMNS[kind];
    const it = indexTable(type, kind);
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${it} (rid INTEGER NOT NULL, seq INTEGER NOT NULL, ${spec.columns}, ` +
        'PRIMARY KEY (rid, seq)) WITHOUT ROWID',
    );
    spec.indexes.forEach((cols, i) => {
      statements.push(`CREATE INDEX IF NOT EXISTS "${type}_${kind}__${i}" ON ${it}(${cols})`);
    });
  }
  statements.push(`INSERT OR IGNORE INTO ${TYPES_TABLE}(type) VALUES ('${type}')`);
  return statements.join(';\n');
}

interface Migration {
  readonly version: number;
  readonly up: string;
}

/** Numbered migrations of the global schema; applied in order, each once. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE ${TYPES_TABLE} (type TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE ${HISTORY_TABLE} (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL,
        version INTEGER NOT NULL, last_updated TEXT NOT NULL, last_updated_ms INTEGER NOT NULL,
        deleted INTEGER NOT NULL, method TEXT NOT NULL, json TEXT NOT NULL);
      CREATE UNIQUE INDEX ${HISTORY_TABLE}__instance ON ${HISTORY_TABLE}(type, id, version);
      CREATE INDEX ${HISTORY_TABLE}__type ON ${HISTORY_TABLE}(type, seq);
    `,
  },
  {
    // Durable records beside resources: work queue, inbound message log, key/value state
    // (server/src/durable/). Times are epoch milliseconds so leases compare as numbers.
    version: 2,
    up: `
      CREATE TABLE ${QUEUE_TABLE} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, topic TEXT NOT NULL,
        dedupe_key TEXT, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
        max_attempts INTEGER NOT NULL, available_at INTEGER NOT NULL, lease_until INTEGER, lease_token TEXT,
        last_error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE UNIQUE INDEX ${QUEUE_TABLE}__key ON ${QUEUE_TABLE}(topic, dedupe_key) WHERE dedupe_key IS NOT NULL;
      CREATE INDEX ${QUEUE_TABLE}__ready ON ${QUEUE_TABLE}(status, topic, available_at);
      CREATE TABLE ${MESSAGES_TABLE} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, protocol TEXT NOT NULL,
        sender TEXT NOT NULL, control_id TEXT NOT NULL, message_type TEXT, peer TEXT, raw BLOB NOT NULL,
        sha256 TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, processed_at TEXT,
        attempts INTEGER NOT NULL, ack_code TEXT, ack BLOB, error TEXT);
      CREATE UNIQUE INDEX ${MESSAGES_TABLE}__control ON ${MESSAGES_TABLE}(protocol, sender, control_id);
      CREATE INDEX ${MESSAGES_TABLE}__status ON ${MESSAGES_TABLE}(status, seq);
      CREATE TABLE ${STATE_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    // The DICOM index (server/src/durable/dicom-index.ts). Matching keys are columns with BINARY
    // collation, so GLOB prefixes and equality use the indexes; `patient_name_upper` serves
    // case-insensitive Patient's Name matching. Attributes are DICOM JSON text.
    version: 3,
    up: `
      CREATE TABLE ${DICOM_STUDIES_TABLE} (study_uid TEXT PRIMARY KEY, attributes TEXT NOT NULL, patient_id TEXT,
        issuer TEXT, patient_name TEXT, patient_name_upper TEXT, study_date TEXT, accession_number TEXT,
        study_id TEXT, study_description TEXT, referring_physician_name TEXT, modalities TEXT NOT NULL,
        sop_classes TEXT NOT NULL, number_of_series INTEGER NOT NULL, number_of_instances INTEGER NOT NULL,
        updated_at TEXT NOT NULL);
      CREATE INDEX ${DICOM_STUDIES_TABLE}__order ON ${DICOM_STUDIES_TABLE}(study_date DESC, study_uid);
      CREATE INDEX ${DICOM_STUDIES_TABLE}__patient_id ON ${DICOM_STUDIES_TABLE}(patient_id);
      CREATE INDEX ${DICOM_STUDIES_TABLE}__patient_name ON ${DICOM_STUDIES_TABLE}(patient_name_upper);
      CREATE INDEX ${DICOM_STUDIES_TABLE}__accession ON ${DICOM_STUDIES_TABLE}(accession_number);
      CREATE TABLE ${DICOM_STUDY_MODALITIES_TABLE} (modality TEXT NOT NULL, study_date TEXT NOT NULL,
        study_uid TEXT NOT NULL, PRIMARY KEY (modality, study_date DESC, study_uid)) WITHOUT ROWID;
      CREATE TABLE ${DICOM_SERIES_TABLE} (series_uid TEXT PRIMARY KEY, study_uid TEXT NOT NULL,
        attributes TEXT NOT NULL, modality TEXT, series_number INTEGER, number_of_instances INTEGER NOT NULL);
      CREATE INDEX ${DICOM_SERIES_TABLE}__study ON ${DICOM_SERIES_TABLE}(study_uid, series_number, series_uid);
      CREATE TABLE ${DICOM_INSTANCES_TABLE} (sop_instance_uid TEXT PRIMARY KEY, study_uid TEXT NOT NULL,
        series_uid TEXT NOT NULL, sop_class_uid TEXT NOT NULL, modality TEXT, series_number INTEGER,
        instance_number INTEGER, sha256 TEXT NOT NULL, record TEXT NOT NULL);
      CREATE INDEX ${DICOM_INSTANCES_TABLE}__study ON ${DICOM_INSTANCES_TABLE}(study_uid, series_number, series_uid,
        instance_number, sop_instance_uid);
      CREATE INDEX ${DICOM_INSTANCES_TABLE}__series ON ${DICOM_INSTANCES_TABLE}(series_uid, instance_number);
      CREATE INDEX ${DICOM_INSTANCES_TABLE}__sha256 ON ${DICOM_INSTANCES_TABLE}(sha256);
      CREATE TABLE ${DICOM_REJECTIONS_TABLE} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
        received_at TEXT NOT NULL, sha256 TEXT, size INTEGER NOT NULL, source TEXT NOT NULL, status INTEGER NOT NULL,
        reason TEXT NOT NULL, sop_class_uid TEXT, sop_instance_uid TEXT);
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Applies pending migrations in one transaction; refuses a database written by a newer version.
 * @param db - the write connection.
 */
export function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
  const row = db.prepare(`SELECT max(version) AS v FROM ${SCHEMA_TABLE}`).get() as { v: number | null };
  const current = row.v ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`SQLite schema version ${current} is newer than this server supports (${SCHEMA_VERSION})`);
  }
  const apply = db.transaction(() => {
    for (const m of MIGRATIONS.filter((x) => x.version > current)) {
      db.exec(m.up);
      db.prepare(`INSERT INTO ${SCHEMA_TABLE}(version, applied_at) VALUES (?, ?)`).run(
        m.version,
        new Date().toISOString(),
      );
    }
  });
  apply.immediate();
}

/**
 * The resource types whose tables exist (discovered at open).
 * @param db - a connection.
 */
export function listTypes(db: Database.Database): string[] {
  const rows = db.prepare(`SELECT type FROM ${TYPES_TABLE} ORDER BY type`).all() as { type: string }[];
  return rows.map((r) => r.type).filter(isValidTypeName);
}
