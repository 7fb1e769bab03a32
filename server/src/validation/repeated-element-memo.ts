/**
 * Validation of large, growing resources in proportion to what changed. An ImagingStudy gains
 * one `series.instance` entry per stored DICOM instance and is validated on every update, so
 * validating it whole costs O(instances) per instance and O(n²) per series. Instance entries are
 * context-free (R4 ImagingStudy.series.instance: `uid`, `sopClass`, `number`, `title`, with no
 * invariant or profile rule that reads their siblings or parents), so an entry that validated
 * once validates again: entries already seen are left out of the copy that is validated.
 *
 * Only a clean result is trusted: if the reduced copy has any issue, the whole resource is
 * validated again so that every issue carries its exact path.
 */
import type { ImagingStudy, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

/** Below this many instance entries the whole resource is validated (nothing to gain). */
const MIN_ENTRIES = 16;
/** Entries remembered before the memo starts over (about 150 bytes each). */
const MAX_REMEMBERED = 100_000;

/** Remembers repeated elements that validated clean. */
export class RepeatedElementMemo {
  private readonly seen = new Set<string>();

  /**
   * Validates a resource, leaving out the repeated elements already known to be valid.
   * @param resource - the resource
   * @param validate - the full validation of a resource
   * @returns the issues, as full validation would report them
   */
  validate(resource: Resource, validate: (r: Resource) => OperationOutcomeIssue[]): OperationOutcomeIssue[] {
    if (resource.resourceType !== 'ImagingStudy') {
      return validate(resource);
    }
    const reduced = this.reduce(resource);
    if (reduced === undefined) {
      return validate(resource);
    }
    const issues = validate(reduced.resource);
    if (issues.length > 0) {
      return validate(resource);
    }
    if (this.seen.size + reduced.fresh.length > MAX_REMEMBERED) {
      this.seen.clear();
    }
    for (const key of reduced.fresh) {
      this.seen.add(key);
    }
    return issues;
  }

  private reduce(study: ImagingStudy): { resource: ImagingStudy; fresh: string[] } | undefined {
    const series = Array.isArray(study.series) ? study.series : [];
    const total = series.reduce((n, s) => n + (Array.isArray(s?.instance) ? s.instance.length : 0), 0);
    if (total < MIN_ENTRIES) {
      return undefined;
    }
    const fresh: string[] = [];
    const reducedSeries = series.map((s) => {
      if (!Array.isArray(s?.instance)) {
        return s;
      }
      const kept = s.instance.filter((instance) => {
        const key = JSON.stringify(instance);
        if (this.seen.has(key)) {
          return false;
        }
        fresh.push(key);
        return true;
      });
      const { instance: _all, ...rest } = s;
      return kept.length > 0 ? { ...rest, instance: kept } : rest;
    });
    return { resource: { ...study, series: reducedSeries }, fresh };
  }
}
