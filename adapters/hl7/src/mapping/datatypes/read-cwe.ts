/**
 * Reads a coded field and reports coding-system findings in the ACK: for fields whose meaning
 * depends on the code (OBR-4 universal service id, OBX-3 observation id) a code without a
 * coding system, or with one we cannot resolve, is an AE with table 0357 code 103
 * (issue 3: "unknown code system where one is required"); elsewhere an unknown name is a warning.
 */
import type { CodeableConcept } from '@medplum/fhirtypes';
import { REQUIRED_FIELD_MISSING, TABLE_VALUE_NOT_FOUND } from '../../message/error-codes';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { firstRepetition, repetitions } from '../values';
import { mapCwe } from './cwe';

/** How strict a coded field is. */
export interface CweRules {
  /** The field must be valued (AE 101 when empty). */
  readonly required?: boolean;
  /** Every code must name a recognised coding system (AE 103 otherwise). */
  readonly systemRequired?: boolean;
}

function check(
  ctx: MappingContext,
  at: SegmentAt,
  field: number,
  mapped: ReturnType<typeof mapCwe>,
  rules: CweRules,
): void {
  const name = `${at.segment.id}-${field}`;
  for (const component of mapped.codesWithoutSystem) {
    if (rules.systemRequired) {
      ctx.error(TABLE_VALUE_NOT_FOUND, locate(at, field, component + 2), `${name} code has no coding system`);
    }
  }
  for (const system of mapped.unknownSystems) {
    const report = rules.systemRequired ? ctx.error.bind(ctx) : ctx.warn.bind(ctx);
    report(TABLE_VALUE_NOT_FOUND, locate(at, field, 3), `${name} coding system '${system}' is not known`);
  }
}

/**
 * Reads the first repetition of a coded field.
 * @param ctx - mapping context
 * @param at - the segment
 * @param field - field number
 * @param rules - required / system required
 * @returns the concept, or undefined
 */
export function readCwe(
  ctx: MappingContext,
  at: SegmentAt,
  field: number,
  rules: CweRules = {},
): CodeableConcept | undefined {
  const mapped = mapCwe(firstRepetition(at.segment, field), ctx.sender);
  if (mapped.concept === undefined) {
    if (rules.required) {
      ctx.error(REQUIRED_FIELD_MISSING, locate(at, field), `${at.segment.id}-${field} is required`);
    }
    return undefined;
  }
  check(ctx, at, field, mapped, rules);
  return mapped.concept;
}

/**
 * Reads every repetition of a coded field.
 * @param ctx - mapping context
 * @param at - the segment
 * @param field - field number
 * @returns the concepts (possibly none)
 */
export function readCwes(ctx: MappingContext, at: SegmentAt, field: number): CodeableConcept[] {
  const out: CodeableConcept[] = [];
  for (const rep of repetitions(at.segment, field)) {
    const mapped = mapCwe(rep, ctx.sender);
    if (mapped.concept !== undefined) {
      check(ctx, at, field, mapped, {});
      out.push(mapped.concept);
    }
  }
  return out;
}
