/**
 * One series of an ImagingStudy (https://hl7.org/fhir/R4/imagingstudy-definitions.html#ImagingStudy.series)
 * from the General Series module (PS3.3 C.7.3.1): uid, number, modality (DCM), description,
 * bodySite (SNOMED CT, see body-part.ts), started, and its instances (uid, sopClass, number).
 * A series that exists keeps its values; a new instance only fills what is still missing.
 */
import type { ImagingStudySeries, ImagingStudySeriesInstance } from '@medplum/fhirtypes';
import { bodySiteCoding } from './body-part';
import type { DicomMappingConfig } from './config';
import { dateTimeFromDaTm } from './date-time';
import type { InstanceKeys } from './instance-fields';
import { text, unsignedInt } from './instance-fields';
import type { DicomInstanceMetadata } from './instance-metadata';
import type { DicomMappingWarning } from './mapping-error';
import { DCM_SYSTEM, sopClassCoding } from './study-identifiers';

/**
 * A series with one more instance (unchanged when the SOP Instance UID is already there).
 * @param series - the series so far, or undefined for a new one
 * @param meta - the instance
 * @param keys - its checked UIDs and modality
 * @param config - for the time zone
 * @param warnings - where non-fatal findings go
 * @returns the new series value (the input is not modified)
 */
export function addInstanceToSeries(
  series: ImagingStudySeries | undefined,
  meta: DicomInstanceMetadata,
  keys: InstanceKeys,
  config: DicomMappingConfig,
  warnings: DicomMappingWarning[],
): ImagingStudySeries {
  const base: ImagingStudySeries = series ?? {
    uid: keys.seriesUid,
    modality: { system: DCM_SYSTEM, code: keys.modality },
  };
  const instances = base.instance ?? [];
  if (instances.some((i) => i.uid === keys.sopInstanceUid)) {
    return base;
  }
  const number = unsignedInt(meta.SeriesNumber);
  const description = text(meta.SeriesDescription);
  const started = dateTimeFromDaTm(
    meta.SeriesDate,
    meta.SeriesTime,
    meta.TimezoneOffsetFromUTC,
    config.defaultTimezone,
  );
  const bodyPart = text(meta.BodyPartExamined);
  const bodySite = base.bodySite ?? bodySiteCoding(bodyPart);
  if (bodyPart !== undefined && bodySite === undefined) {
    warnings.push({
      attribute: 'BodyPartExamined',
      message: `Body Part Examined "${bodyPart}" has no SNOMED CT code in PS3.16 Annex L: series.bodySite left out`,
    });
  }
  const instance: ImagingStudySeriesInstance = {
    uid: keys.sopInstanceUid,
    sopClass: sopClassCoding(keys.sopClassUid),
    ...optional('number', unsignedInt(meta.InstanceNumber)),
  };
  const all = [...instances, instance].sort(byNumberThenUid);
  return {
    ...base,
    ...optional('number', base.number ?? number),
    ...optional('description', base.description ?? description),
    ...optional('bodySite', bodySite),
    ...optional('started', base.started ?? started),
    numberOfInstances: all.length,
    instance: all,
  };
}

/**
 * Order of series and of instances: by number (absent last), then by UID.
 * @param a - one series or instance
 * @param b - another
 * @returns negative, zero or positive
 */
export function byNumberThenUid(a: { number?: number; uid: string }, b: { number?: number; uid: string }): number {
  const na = a.number ?? Number.POSITIVE_INFINITY;
  const nb = b.number ?? Number.POSITIVE_INFINITY;
  if (na !== nb) {
    return na < nb ? -1 : 1;
  }
  return a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
