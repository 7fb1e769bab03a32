/**
 * Small helpers on DICOM JSON data sets (PS3.18 F.2): building elements, picking attributes.
 */
import type { DicomJson, DicomJsonElement } from '../../../../server/src/durable/dicom-index';

/** A mutable DICOM JSON data set under construction. */
export type DicomJsonBuilder = Record<string, DicomJsonElement>;

/**
 * An element with values, or an empty one (zero-length value) when there are none.
 * @param vr - the value representation
 * @param values - the values
 */
export function element(vr: string, values: readonly unknown[] | undefined): DicomJsonElement {
  return values === undefined || values.length === 0 ? { vr } : { vr, Value: values };
}

/**
 * Copies the listed attributes present in any of the sources (earlier sources win).
 * @param tags - the tags wanted (`GGGGEEEE`)
 * @param sources - data sets to read from
 */
export function pick(tags: Iterable<string>, ...sources: readonly DicomJson[]): DicomJsonBuilder {
  const out: DicomJsonBuilder = {};
  for (const tag of tags) {
    for (const source of sources) {
      const value = source[tag];
      if (value !== undefined) {
        out[tag] = value;
        break;
      }
    }
  }
  return out;
}

/**
 * Every attribute of the sources merged (earlier sources win).
 * @param sources - data sets
 */
export function mergeAll(...sources: readonly DicomJson[]): DicomJsonBuilder {
  const out: DicomJsonBuilder = {};
  for (const source of [...sources].reverse()) {
    Object.assign(out, source);
  }
  return out;
}

/**
 * The data set with its keys in ascending tag order (PS3.18 F.2.1.1 does not require it, but
 * viewers and diffs read it better).
 * @param dataset - the data set
 */
export function sorted(dataset: DicomJsonBuilder): DicomJsonBuilder {
  const out: DicomJsonBuilder = {};
  for (const tag of Object.keys(dataset).sort()) {
    out[tag] = dataset[tag] as DicomJsonElement;
  }
  return out;
}

/**
 * The first value of an attribute as a string, if any.
 * @param dataset - the data set
 * @param tag - the tag
 */
export function firstString(dataset: DicomJson, tag: string): string | undefined {
  const value = dataset[tag]?.Value?.[0];
  return typeof value === 'string' ? value : undefined;
}
