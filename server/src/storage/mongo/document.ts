/**
 * The documents Tessera keeps in MongoDB, and their mapping to and from the Store port.
 *
 * Current version (one collection per resource type, `_id` = logical id): version metadata, the
 * resource JSON, compartments and the search index arrays (index-fields.ts). History (one
 * `history` collection): every version ever written, keyed `Type/id/0000000007`.
 *
 * The resource is kept as the JSON *string* the repository wrote (field `json`), not as a BSON
 * sub-document: the Store contract returns "the resource JSON exactly as stored", and a string
 * round-trips byte for byte (FHIR decimals keep their precision, https://hl7.org/fhir/R4/json.html#primitive),
 * while reading it back costs one string copy instead of materialising and re-serialising an
 * object tree. Operators still see every searchable value in the typed index arrays, and can
 * `JSON.parse(doc.json)` in mongosh.
 */
import type { ResourceWrite, StoredResource } from '../store';
import { toIndexFields, type IndexFields } from './index-fields';

type Method = StoredResource['method'];

/** Version metadata shared by current and history documents. */
export interface VersionFields {
  versionId: number;
  /** meta.lastUpdated as written (ISO 8601, ms precision). */
  lastUpdated: string;
  /** meta.lastUpdated in epoch ms, for `_lastUpdated`, `_since`, `_at` and history order. */
  lastUpdatedMs: number;
  deleted: boolean;
  method: Method;
  /** The resource JSON; '' for a tombstone. */
  json: string;
}

/** The current version of a resource, in its type's collection. */
export interface CurrentDocument extends VersionFields, IndexFields {
  _id: string;
  compartments: string[];
}

/** One version in the `history` collection. */
export interface HistoryDocument extends VersionFields {
  _id: string;
  type: string;
  id: string;
}

/** Projection that reads a current document without its index arrays. */
export const VERSION_PROJECTION = { versionId: 1, lastUpdated: 1, lastUpdatedMs: 1, deleted: 1, method: 1, json: 1 };

/**
 * The `_id` of a history document. The version is zero-padded so that `_id` order is version
 * order within one resource (the history tiebreaker for versions written in the same millisecond).
 * @param resourceType - the resource type.
 * @param id - the logical id.
 * @param versionId - the version number.
 */
export function historyKey(resourceType: string, id: string, versionId: number): string {
  return `${resourceType}/${id}/${String(versionId).padStart(10, '0')}`;
}

function versionFields(write: ResourceWrite): VersionFields {
  return {
    versionId: write.versionId,
    lastUpdated: write.lastUpdated,
    lastUpdatedMs: Date.parse(write.lastUpdated),
    deleted: write.deleted,
    method: write.method,
    json: write.deleted ? '' : write.json,
  };
}

/**
 * Builds the current-version document of a write (tombstones keep no index entries).
 * @param write - the version being written.
 */
export function toCurrentDocument(write: ResourceWrite): CurrentDocument {
  return {
    _id: write.id,
    ...versionFields(write),
    compartments: write.deleted ? [] : [...write.compartments],
    ...toIndexFields(write.deleted ? [] : write.index),
  };
}

/**
 * Builds the history document of a write.
 * @param write - the version being written.
 */
export function toHistoryDocument(write: ResourceWrite): HistoryDocument {
  return {
    _id: historyKey(write.resourceType, write.id, write.versionId),
    type: write.resourceType,
    id: write.id,
    ...versionFields(write),
  };
}

/**
 * Reads a stored version back into the port's shape.
 * @param resourceType - the resource type (the collection's, or the history document's `type`).
 * @param id - the logical id.
 * @param doc - the version fields as read.
 */
export function toStoredResource(resourceType: string, id: string, doc: VersionFields): StoredResource {
  return {
    resourceType,
    id,
    versionId: doc.versionId,
    lastUpdated: doc.lastUpdated,
    deleted: doc.deleted,
    json: doc.json,
    method: doc.method,
  };
}
