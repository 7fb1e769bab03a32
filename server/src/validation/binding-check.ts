/**
 * Required terminology bindings, which @medplum/core's validateResource does not check.
 * https://hl7.org/fhir/R4/terminologies.html#required : "To be conformant, the concept in this
 * element SHALL be from the specified value set."
 * - `code`: the code is in the value set;
 * - `Coding`: a coding whose system the value set draws from has a code of that system in it;
 * - `CodeableConcept`: when it has codings, at least one of them is in the value set (text-only
 *   concepts pass).
 * The walk is driven by the resource's own properties and the precomputed plans, so its cost is
 * proportional to the parts of the resource that can hold a required binding.
 */
import type { Coding, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { BindingPlans, BoundKind, FieldPlan, TypePlan } from './binding-plan';
import type { ValueSetExpansion } from './value-sets';

/** Looks up the expansion of a value set URL (without version); `undefined` = cannot check. */
export type ExpansionLookup = (valueSet: string) => ValueSetExpansion | undefined;

/** Checks required bindings of whole resources. */
export class BindingChecker {
  /**
   * @param plans - the per-type plans.
   * @param expansions - the value set expansions.
   */
  constructor(
    private readonly plans: BindingPlans,
    private readonly expansions: ExpansionLookup,
  ) {}

  /**
   * Returns one `code-invalid` error per value outside its required value set.
   * @param resource - the resource to check (its `resourceType` must be known).
   */
  check(resource: Resource): OperationOutcomeIssue[] {
    const issues: OperationOutcomeIssue[] = [];
    this.walkResource(resource, resource.resourceType, issues);
    return issues;
  }

  private walkResource(resource: unknown, path: string, issues: OperationOutcomeIssue[]): void {
    const type = (resource as { resourceType?: unknown } | undefined)?.resourceType;
    const plan = typeof type === 'string' ? this.plans.forType(type) : undefined;
    if (plan) {
      this.walkObject(resource as Record<string, unknown>, plan, path, issues);
    }
  }

  private walkObject(
    obj: Record<string, unknown>,
    plan: TypePlan,
    path: string,
    issues: OperationOutcomeIssue[],
  ): void {
    for (const key in obj) {
      const field = plan.get(key);
      if (!field) {
        continue;
      }
      const value = obj[key];
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          this.visit(value[i], field, `${path}.${field.path}[${i}]`, issues);
        }
      } else {
        this.visit(value, field, `${path}.${field.path}`, issues);
      }
    }
  }

  private visit(value: unknown, field: FieldPlan, path: string, issues: OperationOutcomeIssue[]): void {
    if (value === null || value === undefined) {
      return;
    }
    if (field.kind === 'resource') {
      this.walkResource(value, path, issues);
    } else if (field.kind === 'complex') {
      const plan = this.plans.forType(field.type);
      if (plan && typeof value === 'object') {
        this.walkObject(value as Record<string, unknown>, plan, path, issues);
      }
    } else {
      const expansion = this.expansions(field.valueSet);
      if (expansion && !isInValueSet(value, field.kind, expansion)) {
        issues.push(codeInvalid(value, field.kind, expansion, path));
      }
    }
  }
}

/**
 * Whether a value of a bound datatype satisfies a required binding to `expansion`.
 * Malformed values (wrong JSON type) pass here: the structure check reports them.
 * @param value - the element's JSON value.
 * @param kind - the element's datatype.
 * @param expansion - the value set's codes.
 */
export function isInValueSet(value: unknown, kind: BoundKind, expansion: ValueSetExpansion): boolean {
  switch (kind) {
    case 'code':
      return typeof value !== 'string' || expansion.codes.has(value);
    case 'Coding': {
      const coding = value as Coding;
      const codes = coding.system === undefined ? undefined : expansion.systems.get(coding.system);
      return codes === undefined || typeof coding.code !== 'string' || codes.has(coding.code);
    }
    case 'CodeableConcept': {
      const codings = (value as { coding?: unknown }).coding;
      if (!Array.isArray(codings) || codings.length === 0) {
        return true;
      }
      return codings.some((c: Coding | null) => c !== null && typeof c === 'object' && codingMatches(c, expansion));
    }
  }
}

function codingMatches(coding: Coding, expansion: ValueSetExpansion): boolean {
  if (typeof coding.code !== 'string') {
    return false;
  }
  if (coding.system === undefined) {
    return expansion.codes.has(coding.code);
  }
  return expansion.systems.get(coding.system)?.has(coding.code) ?? false;
}

function codeInvalid(
  value: unknown,
  kind: BoundKind,
  expansion: ValueSetExpansion,
  path: string,
): OperationOutcomeIssue {
  const valueSet = `the required value set ${expansion.name} (${expansion.url})`;
  let text: string;
  if (kind === 'code') {
    text = `Code '${String(value)}' is not in ${valueSet}`;
  } else if (kind === 'Coding') {
    text = `Coding ${showCoding(value as Coding)} is not in ${valueSet}`;
  } else {
    const codings = (value as { coding: (Coding | null)[] }).coding;
    text = `None of the codings (${codings.map(showCoding).join(', ')}) is in ${valueSet}`;
  }
  return { severity: 'error', code: 'code-invalid', details: { text }, expression: [path] };
}

function showCoding(coding: Coding | null): string {
  return `${coding?.system ?? ''}|${coding?.code ?? ''}`;
}
