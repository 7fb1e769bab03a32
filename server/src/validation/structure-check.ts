/**
 * Base structure validation (https://hl7.org/fhir/R4/validation.html#aspects: structure,
 * cardinality, value domains, invariants) through @medplum/core's `validateResource`, with its
 * results normalized for Tessera:
 * - it throws an `OperationOutcomeError` when there is an error; we return the issues instead;
 * - it reports most problems as `structure`; we re-code them (see issues.ts) so that only genuinely
 *   structural problems make a write fail with 400;
 * - element paths become FHIRPath (`value[x]` → `value.ofType(Quantity)`);
 * - reference type mismatches (a warning in medplum) are errors for literal `Type/id` references,
 *   and dropped for `urn:uuid:`/absolute references, whose type medplum cannot see.
 */
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { isKnownResourceType } from '../definitions/fhir-definitions';
import type { IssueType } from '../errors/issue-types';
import { normalizeExpression, valueAtPath } from './fhirpath-expression';
import { makeIssue } from './issues';

/**
 * Checks what must hold before anything else can be validated: a JSON object with a known
 * `resourceType`. Returns the structural issues, or an empty list when the envelope is fine.
 * @param value - the parsed request body.
 */
export function checkEnvelope(value: unknown): OperationOutcomeIssue[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [makeIssue('error', 'structure', 'A resource must be a JSON object', 'Resource')];
  }
  const type = (value as { resourceType?: unknown }).resourceType;
  if (type === undefined) {
    return [makeIssue('error', 'structure', 'Missing resourceType', 'Resource.resourceType')];
  }
  if (typeof type !== 'string' || !isKnownResourceType(type)) {
    return [makeIssue('error', 'structure', `Unknown resourceType '${String(type)}'`, 'Resource.resourceType')];
  }
  return [];
}

/**
 * Validates structure, cardinality, datatypes and invariants of a resource whose envelope is valid,
 * against its base type or against a profile (whose snapshot includes the base rules).
 * @param resource - the resource.
 * @param profile - a StructureDefinition with a snapshot, for `resource.resourceType`.
 */
export function checkStructure(resource: Resource, profile?: StructureDefinition): OperationOutcomeIssue[] {
  let raw: OperationOutcomeIssue[];
  try {
    raw = validateResource(resource, profile ? { profile } : undefined);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      raw = err.outcome.issue ?? [];
    } else {
      // medplum can trip over badly shaped JSON (e.g. a number where an object belongs)
      const text = `Resource could not be processed: ${err instanceof Error ? err.message : String(err)}`;
      return [makeIssue('error', 'structure', text, resource.resourceType)];
    }
  }
  const out: OperationOutcomeIssue[] = [];
  for (const issue of raw) {
    const normalized = normalizeIssue(issue, resource);
    if (normalized) {
      out.push(normalized);
    }
  }
  return out;
}

const STRUCTURAL_PREFIXES = [
  'Invalid additional property',
  'Invalid JSON type',
  'Expected array of values',
  'Expected single value',
  'Invalid null value',
  'Invalid undefined value',
  'Invalid empty',
  'Unknown data type',
  'Missing resource type',
];
const VALUE_PREFIXES = [
  'Invalid ',
  'Expected number',
  'String must contain',
  'String cannot be',
  'Value did not match',
];
const CARDINALITY = /expected (\d+)\.\.(\d+|\*), but found (\d+)/;
const REFERENCE = /^Invalid reference: got "([^"]*)"/;

function normalizeIssue(issue: OperationOutcomeIssue, resource: Resource): OperationOutcomeIssue | undefined {
  const text = issue.details?.text ?? issue.diagnostics ?? '';
  const path = issue.expression?.[0] ?? resource.resourceType;
  if (text.startsWith('Invalid additional property') && isUndefinedProperty(path, resource)) {
    return undefined; // `{ key: undefined }` built in code: JSON has no undefined, so there is no property
  }
  const expression = normalizeExpression(path, resource);
  const reference = REFERENCE.exec(text);
  if (reference) {
    return isKnownResourceType(reference[1] as string)
      ? { ...issue, severity: 'error', code: 'invalid', expression: [expression] }
      : undefined;
  }
  if (issue.severity !== 'error' || issue.code !== 'structure') {
    return { ...issue, expression: [expression] };
  }
  return { ...issue, code: recode(text), expression: [expression] };
}

function isUndefinedProperty(path: string, resource: Resource): boolean {
  const dot = path.lastIndexOf('.');
  const parent = valueAtPath(path.slice(0, dot), resource);
  const key = path.slice(dot + 1);
  return (
    typeof parent === 'object' &&
    parent !== null &&
    key in parent &&
    (parent as Record<string, unknown>)[key] === undefined
  );
}

function recode(text: string): IssueType {
  if (STRUCTURAL_PREFIXES.some((p) => text.startsWith(p))) {
    return 'structure';
  }
  if (text.startsWith('Missing required property')) {
    return 'required';
  }
  const cardinality = CARDINALITY.exec(text);
  if (cardinality) {
    return Number(cardinality[3]) < Number(cardinality[1]) ? 'required' : 'invalid';
  }
  if (VALUE_PREFIXES.some((p) => text.startsWith(p))) {
    return 'value';
  }
  return 'structure';
}
