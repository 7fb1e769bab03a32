/**
 * C-FIND SCP for the Study Root Query/Retrieve Information Model at STUDY and SERIES level
 * (PS3.4 C.4.1, C.6.2): the identifier's non-empty keys become a {@link DicomQuery} (single value,
 * wildcard `*`/`?`, date range, UID list matching: PS3.4 C.2.2.2); every match is answered with
 * the requested keys filled from the index row, plus Query/Retrieve Level and Specific Character
 * Set (C.4.1.1.3.2). Computed attributes (Number of Study Related Series/Instances, Modalities in
 * Study, Number of Series Related Instances) are filled when requested.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part04/sect_C.4.html
 */
import type {
  DicomIndex,
  DicomJson,
  DicomLevel,
  DicomQuery,
  DicomStringMatch,
} from '../../../../server/src/durable/dicom-index';
import { DimseStatus } from '../status';
import type { DenaturalDataset, NaturalDataset } from '../dcmjs';
import { dcmjsData } from '../dcmjs';

/** The index queries C-FIND needs. */
export type FindIndex = Pick<DicomIndex, 'findStudies' | 'findSeries'>;

/** The outcome of a C-FIND: the identifiers of the pending responses, then a final status. */
export interface FindResult {
  readonly matches: NaturalDataset[];
  readonly status: number;
  readonly comment?: string;
}

const NOT_KEYS = new Set(['_vrMap', 'QueryRetrieveLevel', 'SpecificCharacterSet']);

/** The text of a naturalized value (first value of a list; PN as its Alphabetic group). */
function textOf(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) {
    return undefined;
  }
  if (typeof first === 'object') {
    const alphabetic = (first as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic.trim() || undefined : undefined;
  }
  const text = String(first).trim();
  return text === '' ? undefined : text;
}

/** A list value: a naturalized array or a backslash-separated string (PS3.4 C.2.2.2.2). */
function listOf(value: unknown): string[] | undefined {
  const items = (Array.isArray(value) ? value : [value])
    .flatMap((item) => (typeof item === 'string' ? item.split('\\') : []))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? undefined : items;
}

/** Single value or wildcard matching; `*` alone is universal matching (PS3.4 C.2.2.2.3). */
function stringMatch(value: unknown): DicomStringMatch | undefined {
  const text = textOf(value);
  if (text === undefined || /^\*+$/.test(text)) {
    return undefined;
  }
  return /[*?]/.test(text) ? { kind: 'wildcard', pattern: text } : { kind: 'exact', value: text };
}

/** Date range matching (PS3.4 C.2.2.2.5): `a`, `a-b`, `a-`, `-b`. */
function dateRange(value: unknown): { from?: string; to?: string } | undefined {
  const text = textOf(value);
  if (text === undefined) {
    return undefined;
  }
  const dash = text.indexOf('-');
  if (dash < 0) {
    return { from: text, to: text };
  }
  const from = text.slice(0, dash).trim();
  const to = text.slice(dash + 1).trim();
  return { ...(from !== '' ? { from } : {}), ...(to !== '' ? { to } : {}) };
}

/**
 * Translates a C-FIND identifier into an index query.
 * @param level - the Query/Retrieve Level
 * @param identifier - the naturalized identifier
 * @returns the query (absent keys match everything)
 */
export function identifierToQuery(level: DicomLevel, identifier: NaturalDataset): DicomQuery {
  const query: { -readonly [K in keyof DicomQuery]: DicomQuery[K] } = { level };
  const set = <K extends keyof DicomQuery>(key: K, value: DicomQuery[K] | undefined): void => {
    if (value !== undefined) {
      query[key] = value;
    }
  };
  set('patientId', stringMatch(identifier.PatientID));
  set('patientName', stringMatch(identifier.PatientName));
  set('accessionNumber', stringMatch(identifier.AccessionNumber));
  set('studyId', stringMatch(identifier.StudyID));
  set('studyDescription', stringMatch(identifier.StudyDescription));
  set('referringPhysicianName', stringMatch(identifier.ReferringPhysicianName));
  set('studyDate', dateRange(identifier.StudyDate));
  set('studyUids', listOf(identifier.StudyInstanceUID));
  if (level === 'study') {
    // DicomQuery holds one modality: the first non-wildcard value of the list.
    set(
      'modality',
      listOf(identifier.ModalitiesInStudy)?.find((modality) => !/[*?]/.test(modality)),
    );
  } else {
    set(
      'modality',
      listOf(identifier.Modality)?.find((modality) => !/[*?]/.test(modality)),
    );
    set('seriesUids', listOf(identifier.SeriesInstanceUID));
    const seriesNumber = Number(textOf(identifier.SeriesNumber));
    set('seriesNumber', Number.isInteger(seriesNumber) ? seriesNumber : undefined);
  }
  return query;
}

/** Fills the requested keys of one match. */
function responseIdentifier(
  requested: readonly string[],
  level: string,
  attributes: DicomJson,
  computed: NaturalDataset,
): NaturalDataset {
  const row = dcmjsData.DicomMetaDictionary.naturalizeDataset(attributes as DenaturalDataset);
  const result: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    QueryRetrieveLevel: level,
  };
  const vrMap: Record<string, string> = {};
  const rowVrMap = (row._vrMap ?? {}) as Record<string, string>;
  for (const key of requested) {
    result[key] = computed[key] ?? row[key] ?? '';
    if (rowVrMap[key] !== undefined) {
      vrMap[key] = rowVrMap[key];
    }
  }
  result._vrMap = vrMap;
  return result;
}

/**
 * Runs a C-FIND.
 * @param index - the DICOM index
 * @param identifier - the request identifier, naturalized
 * @returns the matches and the final status
 */
export async function runFind(index: FindIndex, identifier: NaturalDataset): Promise<FindResult> {
  const level = textOf(identifier.QueryRetrieveLevel)?.toUpperCase();
  if (level === undefined) {
    return { matches: [], status: DimseStatus.CannotUnderstand, comment: 'QueryRetrieveLevel (0008,0052) missing' };
  }
  if (level !== 'STUDY' && level !== 'SERIES') {
    return { matches: [], status: DimseStatus.IdentifierDoesNotMatchSopClass, comment: `level ${level} not supported` };
  }
  const requested = Object.keys(identifier).filter((key) => !NOT_KEYS.has(key));
  if (level === 'STUDY') {
    const rows = await index.findStudies(identifierToQuery('study', identifier));
    const matches = rows.map((row) =>
      responseIdentifier(requested, level, row.attributes, {
        StudyInstanceUID: row.studyUid,
        ModalitiesInStudy: [...row.modalitiesInStudy],
        NumberOfStudyRelatedSeries: row.numberOfSeries,
        NumberOfStudyRelatedInstances: row.numberOfInstances,
      }),
    );
    return { matches, status: DimseStatus.Success };
  }
  const rows = await index.findSeries(identifierToQuery('series', identifier));
  const matches = rows.map((row) =>
    responseIdentifier(
      requested,
      level,
      { ...row.studyAttributes, ...row.attributes },
      {
        StudyInstanceUID: row.studyUid,
        SeriesInstanceUID: row.seriesUid,
        NumberOfSeriesRelatedInstances: row.numberOfInstances,
      },
    ),
  );
  return { matches, status: DimseStatus.Success };
}
