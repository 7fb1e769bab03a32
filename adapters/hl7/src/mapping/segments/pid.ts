/**
 * PID → Patient (V2-to-FHIR IG "Segment PID to Patient Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-segment-pid-to-patient.html):
 * PID-3 (then PID-2, PID-4) → identifier (CX), PID-5 → name (XPN), PID-6 → mothersMaidenName
 * extension, PID-7 → birthDate (+ birthTime extension when it has a time), PID-8 → gender
 * (table 0001), PID-11 → address (XAD), PID-13/14 → telecom (XTN), PID-29/30 → deceased[x].
 * PID-3 is required (AE 101 at PID-3 when no repetition has an id); its first repetition is the
 * identifier the Patient is matched by.
 */
import type { Extension, Identifier, Patient } from '@medplum/fhirtypes';
import { REQUIRED_FIELD_MISSING, TABLE_VALUE_NOT_FOUND } from '../../message/error-codes';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { mapCx } from '../datatypes/cx';
import { readDtm } from '../datatypes/read-dtm';
import { mapXad } from '../datatypes/xad';
import { mapXpn } from '../datatypes/xpn';
import { mapXtn } from '../datatypes/xtn';
import { mapGender } from '../tables/t0001-gender';
import { repetitions, value } from '../values';

/** A mapped PID: the Patient and the identifier that finds it. */
export interface MappedPatient {
  readonly patient: Patient;
  /** The first PID-3 identifier: the key of conditional create/update and of merges. */
  readonly key: Identifier;
}

function identifiers(ctx: MappingContext, pid: SegmentAt): Identifier[] {
  const seen = new Set<string>();
  const out: Identifier[] = [];
  for (const field of [3, 2, 4]) {
    for (const rep of repetitions(pid.segment, field)) {
      const id = mapCx(rep, ctx.config, 'patient');
      const key = `${id?.system}|${id?.value}`;
      if (id !== undefined && !seen.has(key)) {
        seen.add(key);
        out.push(id);
      }
    }
  }
  return out;
}

function birth(ctx: MappingContext, pid: SegmentAt): Partial<Patient> {
  const parsed = readDtm(ctx, pid, 7);
  if (parsed === undefined) {
    return {};
  }
  const birthTime: Extension[] =
    parsed.time === undefined
      ? []
      : [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: parsed.dateTime }];
  // The birthTime extension sits on the birthDate primitive (`_birthDate`, https://hl7.org/fhir/R4/json.html#primitive).
  const primitive = birthTime.length > 0 ? { _birthDate: { extension: birthTime } } : {};
  return { birthDate: parsed.date, ...primitive } as Partial<Patient>;
}

function deceased(ctx: MappingContext, pid: SegmentAt): Pick<Patient, 'deceasedBoolean' | 'deceasedDateTime'> {
  const at = readDtm(ctx, pid, 29);
  if (at !== undefined) {
    return { deceasedDateTime: at.dateTime };
  }
  const flag = value(pid.segment, 30)?.toUpperCase();
  return flag === 'Y' ? { deceasedBoolean: true } : flag === 'N' ? { deceasedBoolean: false } : {};
}

/**
 * Maps a PID segment.
 * @param ctx - mapping context
 * @param pid - the PID segment
 * @returns the Patient and its key, or undefined when PID-3 is missing (an error is recorded)
 */
export function mapPid(ctx: MappingContext, pid: SegmentAt): MappedPatient | undefined {
  const ids = identifiers(ctx, pid);
  const key = repetitions(pid.segment, 3)
    .map((r) => mapCx(r, ctx.config, 'patient'))
    .find((i) => i !== undefined);
  if (key === undefined) {
    ctx.error(REQUIRED_FIELD_MISSING, locate(pid, 3), 'PID-3 patient identifier list is required');
    return undefined;
  }
  const names = repetitions(pid.segment, 5).flatMap((r) => mapXpn(r) ?? []);
  const maiden = repetitions(pid.segment, 6)[0];
  const maidenFamily = maiden === undefined ? undefined : mapXpn(maiden)?.family;
  const genderCode = value(pid.segment, 8);
  const gender = genderCode === undefined ? undefined : mapGender(genderCode);
  if (genderCode !== undefined && gender === undefined) {
    ctx.warn(TABLE_VALUE_NOT_FOUND, locate(pid, 8), `PID-8 '${genderCode}' is not in table 0001`);
  }
  const addresses = repetitions(pid.segment, 11).flatMap((r) => mapXad(r) ?? []);
  const telecom = [13, 14].flatMap((f) => repetitions(pid.segment, f).flatMap((r) => mapXtn(r) ?? []));
  const patient: Patient = {
    resourceType: 'Patient',
    ...(maidenFamily === undefined
      ? {}
      : {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: maidenFamily },
          ],
        }),
    identifier: ids,
    ...(names.length > 0 ? { name: names } : {}),
    ...(telecom.length > 0 ? { telecom } : {}),
    ...(gender === undefined ? {} : { gender }),
    ...birth(ctx, pid),
    ...deceased(ctx, pid),
    ...(addresses.length > 0 ? { address: addresses } : {}),
  };
  return { patient, key };
}
