/**
 * QIDO-RS query parameters (PS3.18 8.3.4 and 10.6.1.2) → DicomQuery: matching attributes named by
 * keyword or tag (`PatientID` or `00100020`), `limit`, `offset`, `includefield`, `fuzzymatching`.
 * Matching follows PS3.4 C.2.2.2: single value, wildcard (`*`, `?`), UID list (comma-separated or
 * repeated), date range (`a-b`, `a-`, `-b`). A parameter that is neither a known key nor a DICOM
 * attribute is 400; a DICOM attribute that Tessera cannot match on is ignored with a warning
 * (PS3.18 8.3.4.1 lets the origin server do so; the warning goes in a `Warning: 299` header).
 */
import type { DicomLevel, DicomQuery, DicomStringMatch } from '../../../../server/src/durable/dicom-index';
import { fhirError } from '../../../../server/src/errors/outcome';
import { tagOfKeyword } from '../dcmjs';

/** The parsed request: the query, the extra attributes to return, and warnings. */
export interface QidoRequest {
  readonly query: DicomQuery;
  /** Tags (`GGGGEEEE`) to add to the defaults (includefield and matched keys), or `all`. */
  readonly includeFields: readonly string[] | 'all';
  readonly warnings: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Setter = (query: Mutable<DicomQuery>, values: string[]) => void;

const stringKey =
  (
    field: 'patientId' | 'patientName' | 'accessionNumber' | 'studyId' | 'studyDescription' | 'referringPhysicianName',
  ): Setter =>
  (query, values) => {
    const match = stringMatch(lastValue(values));
    if (match !== undefined) {
      query[field] = match;
    }
  };

const uidKey =
  (field: 'studyUids' | 'seriesUids' | 'sopInstanceUids'): Setter =>
  (query, values) => {
    const uids = values
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    for (const uid of uids) {
      if (!/^[0-9.]{1,64}$/.test(uid)) {
        throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `Not a UID: ${uid}`);
      }
    }
    if (uids.length > 0) {
      query[field] = uids;
    }
  };

const numberKey =
  (field: 'seriesNumber' | 'instanceNumber'): Setter =>
  (query, values) => {
    const value = lastValue(values);
    if (value !== '') {
      if (!/^[+-]?\d+$/.test(value)) {
        throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `Not an integer: ${value}`);
      }
      query[field] = Number(value);
    }
  };

const exactKey =
  (field: 'modality' | 'sopClassUid'): Setter =>
  (query, values) => {
    const value = lastValue(values);
    if (value !== '' && value !== '*') {
      query[field] = value;
    }
  };

/** Matching keys by tag. */
const MATCHERS: Record<string, Setter> = {
  '00100020': stringKey('patientId'),
  '00100010': stringKey('patientName'),
  '00080050': stringKey('accessionNumber'),
  '00200010': stringKey('studyId'),
  '00081030': stringKey('studyDescription'),
  '00080090': stringKey('referringPhysicianName'),
  '00080020': (query, values) => {
    const range = dateRange(lastValue(values));
    if (range !== undefined) {
      query.studyDate = range;
    }
  },
  '0020000D': uidKey('studyUids'),
  '0020000E': uidKey('seriesUids'),
  '00080018': uidKey('sopInstanceUids'),
  '00080061': exactKey('modality'),
  '00080060': exactKey('modality'),
  '00080016': exactKey('sopClassUid'),
  '00200011': numberKey('seriesNumber'),
  '00200013': numberKey('instanceNumber'),
};

function lastValue(values: string[]): string {
  return (values[values.length - 1] ?? '').trim();
}

/**
 * A string matching key (PS3.4 C.2.2.2.1 and C.2.2.2.4).
 * @param value - the parameter value
 * @returns the match, or undefined for universal matching (empty or `*`)
 */
export function stringMatch(value: string): DicomStringMatch | undefined {
  if (value === '' || /^\*+$/.test(value)) {
    return undefined;
  }
  return /[*?]/.test(value) ? { kind: 'wildcard', pattern: value } : { kind: 'exact', value };
}

/**
 * A date matching key (PS3.4 C.2.2.2.5): `YYYYMMDD`, `a-b`, `a-` or `-b`.
 * @param value - the parameter value
 * @returns the inclusive range, or undefined for universal matching
 */
export function dateRange(value: string): { from?: string; to?: string } | undefined {
  if (value === '') {
    return undefined;
  }
  const match = /^(\d{8})?(-)?(\d{8})?$/.exec(value);
  if (
    match === null ||
    (match[1] === undefined && match[3] === undefined) ||
    (match[2] === undefined && match[3] !== undefined)
  ) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `Not a DICOM date or date range: ${value}`);
  }
  const [, from, dash, to] = match;
  if (dash === undefined) {
    return { from, to: from };
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/**
 * The tag named by a parameter: a keyword, or 8 hex digits.
 * @param name - the parameter name
 * @returns `GGGGEEEE` upper case, or undefined when it names no attribute
 */
export function attributeTag(name: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(name)) {
    return name.toUpperCase();
  }
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? tagOfKeyword(name) : undefined;
}

function nonNegative(name: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `${name} must be a non-negative integer`);
  }
  return Number(value);
}

function includeFieldsOf(values: string[]): readonly string[] | 'all' {
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (names.includes('all')) {
    return 'all';
  }
  return names.map((name) => {
    const tag = attributeTag(name);
    if (tag === undefined) {
      throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `includefield names no DICOM attribute: ${name}`);
    }
    return tag;
  });
}

/**
 * Parses a QIDO-RS query.
 * @param level - the resource level searched
 * @param params - the query parameters
 * @param scope - the study (and series) UIDs named by the path
 * @returns the query, the include fields and warnings
 */
export function parseQidoParams(
  level: DicomLevel,
  params: URLSearchParams,
  scope: { studyUid?: string; seriesUid?: string } = {},
): QidoRequest {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) {
    grouped.set(name, [...(grouped.get(name) ?? []), value]);
  }
  const query: Mutable<DicomQuery> = { level };
  let includeFields: readonly string[] | 'all' = [];
  const warnings: string[] = [];
  const ignored: string[] = [];
  const matched: string[] = [];
  for (const [name, values] of grouped) {
    const last = lastValue(values);
    if (name === 'limit') {
      query.limit = nonNegative(name, last);
    } else if (name === 'offset') {
      query.offset = nonNegative(name, last);
    } else if (name === 'includefield') {
      includeFields = includeFieldsOf(values);
    } else if (name === 'fuzzymatching') {
      if (last !== 'true' && last !== 'false') {
        throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', 'fuzzymatching must be true or false');
      }
      if (last === 'true') {
        warnings.push('The fuzzymatching parameter is not supported. Only literal matching has been performed.');
      }
    } else {
      const tag = attributeTag(name);
      if (tag === undefined) {
        throw fhirError('TESSERA_E_SEARCH_UNKNOWN_PARAMETER', `Unknown QIDO-RS parameter: ${name}`);
      }
      const matcher = MATCHERS[tag];
      if (matcher === undefined) {
        ignored.push(name);
      } else {
        matcher(query, values);
        matched.push(tag);
      }
    }
  }
  if (ignored.length > 0) {
    warnings.push(`The following attributes are not supported for matching and were ignored: ${ignored.join(', ')}`);
  }
  if (scope.studyUid !== undefined) {
    query.studyUids = [scope.studyUid];
  }
  if (scope.seriesUid !== undefined) {
    query.seriesUids = [scope.seriesUid];
  }
  // PS3.18 10.6.3: the matching attributes are returned along with the defaults
  const include = includeFields === 'all' ? 'all' : [...new Set([...includeFields, ...matched])];
  return { query, includeFields: include, warnings };
}
