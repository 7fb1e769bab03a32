/**
 * Composite index entries: one per element the composite's expression selects, so that all
 * parts come from the same element (the same Observation.component, the same useContext).
 *
 * Spec: https://hl7.org/fhir/R4/search.html#composite
 */
import type { TypedValue } from '@medplum/core';
import type { CompositeIndexEntry, CompositeValue } from './index-entries';
import {
  evaluateComponent,
  evaluateParam,
  type CompiledParam,
  type ComponentKind,
  type EvalTarget,
} from './compiled-params';
import { dateRanges } from './extract-date';
import { numberParts, quantityParts } from './extract-quantity';
import { referenceParts } from './extract-reference';
import { stringValues, uriValues } from './extract-string';
import { tokenParts } from './extract-token';
import { normalizeString } from './normalize';

function compositeValues(kind: ComponentKind, values: readonly TypedValue[]): CompositeValue[] {
  const out: CompositeValue[] = [];
  for (const tv of values) {
    switch (kind) {
      case 'token':
        for (const t of tokenParts(tv)) {
          if (t.value !== undefined || t.system !== undefined) {
            out.push({
              kind,
              ...(t.system !== undefined && { system: t.system }),
              ...(t.value !== undefined && { value: t.value }),
            });
          }
        }
        break;
      case 'uri':
        for (const s of uriValues(tv)) {
          out.push({ kind: 'token', value: s });
        }
        break;
      case 'string':
        for (const s of stringValues(tv)) {
          out.push({ kind, norm: normalizeString(s), exact: s });
        }
        break;
      case 'reference':
        for (const r of referenceParts(tv)) {
          if (r.targetId !== undefined || r.ref !== undefined) {
            out.push({
              kind,
              ...(r.targetType !== undefined && { targetType: r.targetType }),
              ...(r.targetId !== undefined && { targetId: r.targetId }),
              ...(r.ref !== undefined && { ref: r.ref }),
            });
          }
        }
        break;
      case 'date':
        for (const [low, high] of dateRanges(tv)) {
          out.push({ kind, low, high });
        }
        break;
      case 'number':
        for (const n of numberParts(tv)) {
          out.push({ kind, low: n.low, high: n.high });
        }
        break;
      case 'quantity':
        for (const q of quantityParts(tv)) {
          out.push({
            kind,
            low: q.low,
            high: q.high,
            ...(q.system !== undefined && { system: q.system }),
            ...(q.unit !== undefined && { unit: q.unit }),
          });
        }
        break;
    }
  }
  return out;
}

/**
 * Extracts the entries of one composite parameter.
 * @param param - a compiled composite parameter (with components).
 * @param target - the resource prepared for evaluation.
 * @returns one entry per element and combination of component values.
 */
export function compositeEntries(param: CompiledParam, target: EvalTarget): CompositeIndexEntry[] {
  const components = param.components ?? [];
  const [first, second, third] = components;
  if (first === undefined || second === undefined) {
    return [];
  }
  const out: CompositeIndexEntry[] = [];
  for (const element of evaluateParam(param, target)) {
    const tokens = compositeValues('token', evaluateComponent(first, element, target));
    if (tokens.length === 0) {
      continue;
    }
    const seconds = compositeValues(second.kind, evaluateComponent(second, element, target));
    const thirds = third ? compositeValues(third.kind, evaluateComponent(third, element, target)) : [undefined];
    for (const t of tokens) {
      if (t.kind !== 'token') {
        continue;
      }
      for (const s of seconds) {
        for (const th of thirds) {
          out.push({
            kind: 'composite',
            code: param.code,
            ...(t.system !== undefined && { system: t.system }),
            ...(t.value !== undefined && { value: t.value }),
            second: s,
            ...(th !== undefined && { third: th }),
          });
        }
      }
    }
  }
  return out;
}
