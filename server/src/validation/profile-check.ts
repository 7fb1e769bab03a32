/**
 * Checks a resource against the compiled rules of a profile (profile-rules.ts); the base rules are
 * checked separately, once. https://hl7.org/fhir/R4/profiling.html : cardinality per parent
 * instance, fixed values (exact match) and patterns (the value contains the pattern), slices
 * (each slice's cardinality counts the values matching its pattern), required bindings
 * (https://hl7.org/fhir/R4/terminologies.html#required), narrowed reference targets,
 * and invariants (a FHIRPath expression on each value that must be true).
 * Issue codes follow issues.ts: `required`, `invalid`, `value`, `invariant`, `code-invalid`.
 */
import type { FhirPathAtom, TypedValue, TypedValueWithPath } from '@medplum/core';
import { deepEquals, deepIncludes, evalFhirPathTyped, getNestedProperty, toTypedValue, UCUM } from '@medplum/core';
import type { OperationOutcomeIssue, Reference, Resource } from '@medplum/fhirtypes';
import { isKnownResourceType } from '../definitions/fhir-definitions';
import { isInValueSet } from './binding-check';
import { normalizeExpression } from './fhirpath-expression';
import { makeIssue } from './issues';
import type { ElementRule, ProfileRules } from './profile-rules';

/**
 * Returns the issues of `resource` against one profile's own rules.
 * @param resource - a resource of the profile's type.
 * @param rules - the compiled profile.
 */
export function checkProfileRules(resource: Resource, rules: ProfileRules): OperationOutcomeIssue[] {
  const root: TypedValueWithPath = { ...toTypedValue(resource), path: rules.type };
  const variables: Record<string, TypedValue> = {
    '%resource': root,
    '%rootResource': root,
    '%ucum': toTypedValue(UCUM),
  };
  const issues: OperationOutcomeIssue[] = [];
  const where = `(profile ${rules.url})`;
  for (const rule of rules.elements) {
    const entries = rule.key === '$this' ? [root] : getNestedProperty(root, rule.key, { withPath: true });
    for (const entry of entries) {
      const values = Array.isArray(entry) ? entry : entry.value === undefined ? [] : [entry];
      const path = Array.isArray(entry) ? arrayPath(entry, rules.type, rule.key) : entry.path;
      checkElement(rule, values, path, variables, where, issues);
    }
  }
  for (const issue of issues) {
    issue.expression = (issue.expression ?? []).map((e) => normalizeExpression(e, resource));
  }
  return issues;
}

function checkElement(
  rule: ElementRule,
  values: TypedValueWithPath[],
  path: string,
  variables: Record<string, TypedValue>,
  where: string,
  issues: OperationOutcomeIssue[],
): void {
  const { min = 0, max = Number.POSITIVE_INFINITY } = rule;
  if (values.length < min || values.length > max) {
    const text = `${values.length === 0 ? 'Missing required element' : 'Wrong number of values'}: expected ${range(min, max)}, found ${values.length} ${where}`;
    issues.push(makeIssue('error', values.length < min ? 'required' : 'invalid', text, path));
  }
  for (const value of values) {
    if (rule.fixed && !deepEquals(value.value, rule.fixed.value)) {
      issues.push(
        makeIssue('error', 'value', `Value must be exactly ${JSON.stringify(rule.fixed.value)} ${where}`, value.path),
      );
    }
    if (rule.pattern && !deepIncludes(value.value, rule.pattern.value)) {
      issues.push(
        makeIssue('error', 'value', `Value must match ${JSON.stringify(rule.pattern.value)} ${where}`, value.path),
      );
    }
    if (rule.binding && !isInValueSet(value.value, rule.binding.kind, rule.binding.expansion)) {
      const { name, url } = rule.binding.expansion;
      issues.push(
        makeIssue(
          'error',
          'code-invalid',
          `Value is not in the required value set ${name} (${url}) ${where}`,
          value.path,
        ),
      );
    }
    if (rule.targetTypes) {
      checkTarget(value, rule.targetTypes, where, issues);
    }
    for (const c of rule.constraints ?? []) {
      if (!holds(c.expression, value, variables)) {
        issues.push(makeIssue('error', 'invariant', `Constraint ${c.key} not met: ${c.human} ${where}`, value.path));
      }
    }
  }
  for (const slice of rule.slices ?? []) {
    const count = values.filter((v) =>
      slice.exact ? deepEquals(v.value, slice.match.value) : deepIncludes(v.value, slice.match.value),
    ).length;
    if (count < slice.min || count > slice.max) {
      const text = `Slice '${slice.name}' (${JSON.stringify(slice.match.value)}) expects ${range(slice.min, slice.max)} values, found ${count} ${where}`;
      issues.push(makeIssue('error', count < slice.min ? 'required' : 'invalid', text, path));
    }
  }
}

function holds(expression: FhirPathAtom, value: TypedValueWithPath, variables: Record<string, TypedValue>): boolean {
  try {
    const result = evalFhirPathTyped(expression, [value], { ...variables, '%context': value });
    return result.length === 1 && result[0]?.value === true;
  } catch {
    return false; // an expression that cannot be evaluated on this value does not hold
  }
}

function checkTarget(
  value: TypedValueWithPath,
  allowed: ReadonlySet<string>,
  where: string,
  issues: OperationOutcomeIssue[],
): void {
  const reference = (value.value as Reference | undefined)?.reference;
  if (typeof reference !== 'string') {
    return;
  }
  const type = /^([A-Za-z]+)[/?]/.exec(reference)?.[1];
  if (type && isKnownResourceType(type) && !allowed.has(type)) {
    const text = `Reference to ${type} is not allowed here: expected ${[...allowed].join(' | ')} ${where}`;
    issues.push(makeIssue('error', 'invalid', text, value.path));
  }
}

/** The path of an array property: its first item's path without the index. */
function arrayPath(items: TypedValueWithPath[], type: string, key: string): string {
  return items[0]?.path.replace(/\[\d+\]$/, '') ?? `${type}.${key}`;
}

function range(min: number, max: number): string {
  return `${min}..${Number.isFinite(max) ? max : '*'}`;
}
