/**
 * SPM → Specimen (V2-to-FHIR IG "Segment SPM to Specimen Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-segment-spm-to-specimen.html):
 * SPM-2 specimen id (EIP: .1 placer-assigned, .2 filler-assigned EI) → identifier (PLAC / FILL),
 * SPM-4 → type, SPM-8 → collection.bodySite, SPM-14 → note, SPM-17 (DR) → collection.collected[x],
 * SPM-18 → receivedTime, SPM-20 availability → status, SPM-21 reject reason → status
 * `unsatisfactory`, SPM-24 condition → condition. The Specimen is matched by the filler id, else
 * the placer id; an SPM with neither gets `<order key>/SPM-<set id>` so a re-sent result finds it.
 */
import type { Annotation, Identifier, Patient, Reference, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import type { MappingContext, SegmentAt } from '../context';
import { mapEiInComponent } from '../datatypes/ei';
import { readCwe, readCwes } from '../datatypes/read-cwe';
import { readDtm } from '../datatypes/read-dtm';
import { firstRepetition, value } from '../values';

/** A mapped SPM: the Specimen and the identifier that finds it. */
export interface MappedSpecimen {
  readonly specimen: Specimen;
  readonly key: Identifier;
}

function status(spm: SegmentAt): Specimen['status'] {
  if (value(spm.segment, 21) !== undefined) {
    return 'unsatisfactory';
  }
  const available = value(spm.segment, 20)?.toUpperCase();
  return available === 'Y' ? 'available' : available === 'N' ? 'unavailable' : undefined;
}

function collection(ctx: MappingContext, spm: SegmentAt): Specimen['collection'] {
  const start = readDtm(ctx, spm, 17, 1);
  const end = readDtm(ctx, spm, 17, 2);
  const bodySite = readCwe(ctx, spm, 8);
  const collected =
    start !== undefined && end !== undefined
      ? { collectedPeriod: { start: start.dateTime, end: end.dateTime } }
      : start !== undefined
        ? { collectedDateTime: start.dateTime }
        : {};
  const out = { ...collected, ...(bodySite === undefined ? {} : { bodySite }) };
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Maps an SPM segment.
 * @param ctx - mapping context
 * @param spm - the SPM segment
 * @param fallbackKey - the order's identifier (for an SPM without SPM-2)
 * @param links - subject, the request (when it can be referenced), notes
 * @returns the Specimen and its key
 */
export function mapSpm(
  ctx: MappingContext,
  spm: SegmentAt,
  fallbackKey: Identifier,
  links: { subject: Reference<Patient>; request?: Reference<ServiceRequest> | undefined; notes: readonly Annotation[] },
): MappedSpecimen {
  const rep = firstRepetition(spm.segment, 2);
  const placer = mapEiInComponent(rep, 1, ctx.config, 'specimen', 'PLAC');
  const filler = mapEiInComponent(rep, 2, ctx.config, 'specimen', 'FILL');
  const setId = value(spm.segment, 1) ?? String(spm.seq);
  const key: Identifier = filler ??
    placer ?? { system: fallbackKey.system, value: `${fallbackKey.value ?? ''}/SPM-${setId}` };
  const identifier = [filler, placer].filter((i) => i !== undefined);
  const type = readCwe(ctx, spm, 4);
  const received = readDtm(ctx, spm, 18);
  const conditions = readCwes(ctx, spm, 24);
  const description = value(spm.segment, 14);
  const notes = [...(description === undefined ? [] : [{ text: description }]), ...links.notes];
  const st = status(spm);
  const coll = collection(ctx, spm);
  const specimen: Specimen = {
    resourceType: 'Specimen',
    identifier: identifier.length > 0 ? identifier : [key],
    ...(st === undefined ? {} : { status: st }),
    ...(type === undefined ? {} : { type }),
    subject: links.subject,
    ...(received === undefined ? {} : { receivedTime: received.dateTime }),
    ...(links.request === undefined ? {} : { request: [links.request] }),
    ...(coll === undefined ? {} : { collection: coll }),
    ...(conditions.length > 0 ? { condition: conditions } : {}),
    ...(notes.length > 0 ? { note: notes } : {}),
  };
  return { specimen, key };
}
