/**
 * Write-time search index extraction (DESIGN.md, "Search indexes are extracted at write time"):
 * every SearchParameter applicable to the resource type is evaluated and its values turned into
 * the typed entries of index-entries.ts. `_id` and `_lastUpdated` are columns, not entries.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#ptypes
 */
import { toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { IndexEntry } from './index-entries';
import { compiledParamsFor, evalTarget, evaluateParam, type CompiledParam, type EvalTarget } from './compiled-params';
import { compositeEntries } from './extract-composite';
import { dateRanges } from './extract-date';
import { numberParts, quantityParts } from './extract-quantity';
import { referenceParts } from './extract-reference';
import { stringValues, uriValues } from './extract-string';
import { tokenParts } from './extract-token';
import { normalizeString } from './normalize';

function paramEntries(param: CompiledParam, target: EvalTarget, out: IndexEntry[]): void {
  const { code } = param;
  if (param.type === 'composite') {
    out.push(...compositeEntries(param, target));
    return;
  }
  for (const tv of evaluateParam(param, target)) {
    switch (param.type) {
      case 'string':
        for (const s of stringValues(tv)) {
          out.push({ kind: 'string', code, norm: normalizeString(s), exact: s });
        }
        break;
      case 'token':
        for (const t of tokenParts(tv)) {
          out.push({ kind: 'token', code, ...t });
        }
        break;
      case 'reference':
        for (const r of referenceParts(tv)) {
          out.push({ kind: 'reference', code, ...r });
        }
        break;
      case 'date':
        for (const [low, high] of dateRanges(tv)) {
          out.push({ kind: 'date', code, low, high });
        }
        break;
      case 'number':
        for (const n of numberParts(tv)) {
          out.push({ kind: 'number', code, value: n.value, low: n.low, high: n.high });
        }
        break;
      case 'quantity':
        for (const q of quantityParts(tv)) {
          out.push({ kind: 'quantity', code, ...q });
        }
        break;
      case 'uri':
        for (const value of uriValues(tv)) {
          out.push({ kind: 'uri', code, value });
        }
        break;
    }
  }
}

function dedupe(entries: readonly IndexEntry[]): IndexEntry[] {
  const seen = new Set<string>();
  const out: IndexEntry[] = [];
  for (const e of entries) {
    const key = JSON.stringify(e);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}

/**
 * Extracts the search index entries of a resource: every applicable SearchParameter (including
 * `_tag`, `_profile`, `_security`, `_source`), deduplicated.
 * @param resource - the resource as it will be stored.
 * @returns the typed entries (empty for unknown resource types).
 */
export function extractIndexEntries(resource: Resource): IndexEntry[] {
  return entriesOf(resource, compiledParamsFor(resource.resourceType));
}

/**
 * Extracts the entries of the given parameters only (e.g. the reference parameters that decide
 * compartment membership, or an `_include` parameter).
 * @param resource - the resource.
 * @param codes - the SearchParameter codes to evaluate.
 * @returns the typed entries of those parameters, deduplicated.
 */
export function extractIndexEntriesFor(resource: Resource, codes: readonly string[]): IndexEntry[] {
  const wanted = new Set(codes);
  return entriesOf(
    resource,
    compiledParamsFor(resource.resourceType).filter((p) => wanted.has(p.code)),
  );
}

/** Evaluates `params` on the resource and returns their deduplicated entries. */
function entriesOf(resource: Resource, params: ReturnType<typeof compiledParamsFor>): IndexEntry[] {
  if (params.length === 0) {
    return [];
  }
  const target = evalTarget(toTypedValue(resource));
  const out: IndexEntry[] = [];
  for (const param of params) {
    paramEntries(param, target, out);
  }
  return dedupe(out);
}
