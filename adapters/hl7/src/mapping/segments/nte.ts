/**
 * NTE → Annotation (V2-to-FHIR IG "Segment NTE to Annotation Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-segment-nte-to-annotation.html):
 * NTE-3 comment (FT, repeating: one line each) → text, NTE-5 entered by → authorString,
 * NTE-6 entered date/time → time.
 */
import type { Annotation } from '@medplum/fhirtypes';
import type { MappingContext, SegmentAt } from '../context';
import { readDtm } from '../datatypes/read-dtm';
import { mapXcn } from '../datatypes/xcn';
import { nameDisplay } from '../datatypes/xpn';
import { firstRepetition, repetitions } from '../values';

/**
 * Maps NTE segments to Annotations (an NTE with no comment gives none).
 * @param ctx - mapping context
 * @param notes - the NTE segments
 * @returns the annotations
 */
export function mapNotes(ctx: MappingContext, notes: readonly SegmentAt[]): Annotation[] {
  const out: Annotation[] = [];
  for (const nte of notes) {
    const lines = repetitions(nte.segment, 3).map((r) =>
      r.components.map((c) => c.map((s) => s ?? '').join('&')).join('^'),
    );
    if (lines.length === 0) {
      continue;
    }
    const author = nameDisplay(mapXcn(firstRepetition(nte.segment, 5), ctx.config)?.name);
    const time = readDtm(ctx, nte, 6);
    out.push({
      ...(author === undefined ? {} : { authorString: author }),
      ...(time === undefined ? {} : { time: time.dateTime }),
      text: lines.join('\n'),
    });
  }
  return out;
}
