/**
 * ImagingStudy from DICOM instances. Covers: https://hl7.org/fhir/R4/imagingstudy.html (identifier
 * urn:dicom:uid, modality DCM, series/instance, numberOfSeries/Instances, started, basedOn,
 * endpoint), the Tessera imaging-study profile (profiles/), PS3.3 C.7.2.1/C.7.3.1 (Type 1 UIDs),
 * PS3.16 Annex L (bodySite).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildImagingStudy,
  DCM_SYSTEM,
  DicomMappingError,
  dicomMappingConfig,
  imagingStudyFromInstances,
  TESSERA_IMAGING_STUDY_PROFILE,
} from '../../../../../adapters/dicom/src/mapping';
import { createValidator } from '../../../../../server/src/validation/fhir-validator';
import { instance } from './fixtures';

const refs = { subject: { reference: 'Patient/p1' } };
const a = instance({ SOPInstanceUID: '1.2.3.1.1', InstanceNumber: 2 });
const b = instance({ SOPInstanceUID: '1.2.3.1.2', InstanceNumber: 1, StudyTime: '093000' });
const c = instance({
  SeriesInstanceUID: '1.2.3.2',
  SeriesNumber: 2,
  Modality: 'SR',
  BodyPartExamined: undefined,
  SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.22',
  SOPInstanceUID: '1.2.3.2.1',
  InstanceNumber: 1,
});

describe('imagingStudyFromInstances', () => {
  it('builds series, instances, counts, modalities, identifiers and started', () => {
    const study = imagingStudyFromInstances([c, a, b], refs);
    assert.equal(study.status, 'available');
    assert.deepEqual(study.identifier?.[0], { system: 'urn:dicom:uid', value: 'urn:oid:1.2.3' });
    assert.equal(study.identifier?.[1]?.type?.coding?.[0]?.code, 'ACSN');
    assert.equal(study.identifier?.[1]?.system, 'urn:tessera:hl7v2:accession');
    assert.equal(study.identifier?.[1]?.value, 'ACC-1');
    assert.deepEqual(
      study.series?.map((s) => s.uid),
      ['1.2.3.1', '1.2.3.2'],
    );
    assert.deepEqual(
      study.series?.[0]?.instance?.map((i) => i.number),
      [1, 2],
    );
    assert.deepEqual(study.series?.[0]?.bodySite, {
      system: 'http://snomed.info/sct',
      code: '816094009',
      display: 'Chest',
    });
    assert.deepEqual(study.series?.[1]?.instance?.[0]?.sopClass, {
      system: 'urn:ietf:rfc:3986',
      code: 'urn:oid:1.2.840.10008.5.1.4.1.1.88.22',
    });
    assert.equal(study.numberOfSeries, 2);
    assert.equal(study.numberOfInstances, 3);
    assert.equal(study.series?.[0]?.numberOfInstances, 2);
    assert.deepEqual(study.modality, [
      { system: DCM_SYSTEM, code: 'CT' },
      { system: DCM_SYSTEM, code: 'SR' },
    ]);
    assert.equal(study.started, '2025-01-15T09:30:00Z'); // the earliest StudyTime
    assert.deepEqual(study.meta?.profile, [TESSERA_IMAGING_STUDY_PROFILE]);
    assert.deepEqual(study.subject, refs.subject);
  });

  it('merging instances one by one, in any order, equals building them at once', () => {
    const atOnce = imagingStudyFromInstances([a, b, c], refs);
    for (const order of [
      [c, b, a],
      [b, c, a],
      [a, c, b],
    ]) {
      let study = imagingStudyFromInstances([order[0]!], refs);
      for (const next of order.slice(1)) {
        study = imagingStudyFromInstances([next], refs, study);
      }
      assert.deepEqual(study, atOnce);
    }
  });

  it('re-adding an instance already present changes nothing', () => {
    const study = { ...imagingStudyFromInstances([a, c], refs), id: 's1', meta: { versionId: '3' } };
    const again = imagingStudyFromInstances([a], refs, study);
    assert.deepEqual(again, imagingStudyFromInstances([c, a], refs, study));
    assert.equal(again.id, 's1');
    assert.equal(again.numberOfInstances, 2);
    assert.deepEqual(imagingStudyFromInstances([a], refs, again), again);
  });

  it('adds basedOn and endpoint once, keeps existing ones, and sets meta.source', () => {
    const first = imagingStudyFromInstances([a], {
      ...refs,
      basedOn: [{ reference: 'ServiceRequest/o1' }],
      endpoint: { reference: 'Endpoint/dicomweb' },
      source: 'dicom://CT1',
    });
    const second = imagingStudyFromInstances([b], { ...refs, basedOn: [{ reference: 'ServiceRequest/o1' }] }, first);
    assert.deepEqual(second.basedOn, [{ reference: 'ServiceRequest/o1' }]);
    assert.deepEqual(second.endpoint, [{ reference: 'Endpoint/dicomweb' }]);
    assert.equal(second.meta?.source, 'dicom://CT1');
  });

  it('uses the configured accession system and default time zone, and TimezoneOffsetFromUTC first', () => {
    const config = dicomMappingConfig({ accessionSystem: 'urn:oid:9.9', defaultTimezone: '+01:00' });
    const study = imagingStudyFromInstances([a], refs, undefined, config);
    assert.equal(study.identifier?.[1]?.system, 'urn:oid:9.9');
    assert.equal(study.started, '2025-01-15T10:15:00+01:00');
    const zoned = imagingStudyFromInstances([{ ...a, TimezoneOffsetFromUTC: '-0500' }], refs, undefined, config);
    assert.equal(zoned.started, '2025-01-15T10:15:00-05:00');
  });

  it('warns about a Body Part Examined outside the table and leaves bodySite out', () => {
    const { study, warnings } = buildImagingStudy([instance({ BodyPartExamined: 'LEFTPINKY' })], refs);
    assert.equal(study.series?.[0]?.bodySite, undefined);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.attribute, 'BodyPartExamined');
  });

  it('refuses instances without Type 1 UIDs, with bad UIDs, or from another study', () => {
    const refused = (f: () => unknown, attribute: string, reason: string): void => {
      assert.throws(
        f,
        (e: unknown) => e instanceof DicomMappingError && e.attribute === attribute && e.reason === reason,
      );
    };
    refused(
      () => imagingStudyFromInstances([instance({ StudyInstanceUID: '' })], refs),
      'StudyInstanceUID',
      'missing-attribute',
    );
    refused(
      () => imagingStudyFromInstances([instance({ SOPClassUID: undefined })], refs),
      'SOPClassUID',
      'missing-attribute',
    );
    refused(() => imagingStudyFromInstances([instance({ Modality: ' ' })], refs), 'Modality', 'missing-attribute');
    refused(
      () => imagingStudyFromInstances([instance({ SeriesInstanceUID: '1.02.x' })], refs),
      'SeriesInstanceUID',
      'invalid-value',
    );
    refused(
      () => imagingStudyFromInstances([a, instance({ StudyInstanceUID: '1.2.4' })], refs),
      'StudyInstanceUID',
      'study-mismatch',
    );
    const stored = imagingStudyFromInstances([a], refs);
    refused(
      () => imagingStudyFromInstances([instance({ StudyInstanceUID: '1.2.4' })], refs, stored),
      'StudyInstanceUID',
      'study-mismatch',
    );
  });

  it('passes the Tessera validator (base R4 and the imaging-study profile) with no errors', () => {
    const validator = createValidator();
    const study = imagingStudyFromInstances([a, b, c], {
      ...refs,
      basedOn: [{ reference: 'ServiceRequest/o1' }],
      endpoint: { reference: 'Endpoint/e1' },
      source: 'dicom://CT1',
    });
    const errors = validator.validate(study).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    assert.deepEqual(errors, []);
    const withoutUid = { ...study, identifier: study.identifier?.slice(1) };
    assert.ok(validator.validate(withoutUid).some((i) => i.severity === 'error'));
  });
});
