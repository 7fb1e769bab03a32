/**
 * Picks the parts of an R4 SearchParameter FHIRPath expression that apply to one resource type.
 *
 * R4 shares one SearchParameter between several types with `|`-joined expressions
 * (`AllergyIntolerance.code | Condition.code | Observation.code`, or
 * `Observation | Observation.component`). Each part is evaluated on its own so that extraction
 * can skip parts whose top-level element is absent from the resource.
 * Spec: https://hl7.org/fhir/R4/searchparameter.html (SearchParameter.expression).
 */

/** One `|`-separated part of an expression that applies to the resource type. */
export interface ExpressionPart {
  /** The FHIRPath text of the part. */
  readonly text: string;
  /**
   * The resource's top-level element the part navigates into first (`subject` for
   * `Observation.subject.where(...)`), when the part yields nothing if that element is absent.
   */
  readonly root?: string;
}

/** Splits on `|` outside parentheses and string literals. */
function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'" && expression[i - 1] !== '\\') {
      quoted = !quoted;
    } else if (!quoted && c === '(') {
      depth++;
    } else if (!quoted && c === ')') {
      depth--;
    } else if (!quoted && depth === 0 && c === '|') {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** FHIRPath system type names used by some R4 expressions, mapped to FHIR type names. */
const SYSTEM_TYPES: Record<string, string> = {
  DateTime: 'dateTime',
  Date: 'date',
  String: 'string',
  Boolean: 'boolean',
  Integer: 'integer',
  Decimal: 'decimal',
};

/**
 * Rewrites the `.as(Type)` function form to `.ofType(Type)`: @medplum/core's `as()` function
 * does not filter by type (the `as` operator does), so `value.as(CodeableConcept)` would also
 * return a valueString or valueBoolean. R4 also writes `as(DateTime)` for FHIR's `dateTime`.
 * @param text - a FHIRPath expression.
 * @returns the expression with type-filtering `ofType` calls.
 */
export function fixTypeCasts(text: string): string {
  return text.replace(/\.as\(\s*([A-Za-z]+)\s*\)/g, (_m, type: string) => `.ofType(${SYSTEM_TYPES[type] ?? type})`);
}

/** Functions/operators after which an absent element may still yield a value (e.g. `exists()`). */
const NOT_PATH_ONLY = /exists\(|empty\(|not\(|count\(|iif\(|\band\b|\bor\b|\bimplies\b|%/;

/**
 * Returns the parts of `expression` that apply to `resourceType`: parts rooted at that type,
 * relative parts (`name | alias`), and parts rooted at `Resource`/`DomainResource`.
 * @param resourceType - the resource type being indexed or searched.
 * @param expression - the SearchParameter's FHIRPath expression.
 * @returns the applicable parts, in order.
 */
export function expressionPartsFor(resourceType: string, expression: string): ExpressionPart[] {
  const result: ExpressionPart[] = [];
  for (const text of splitTopLevel(fixTypeCasts(expression))) {
    const m = /^\(*\s*([A-Za-z_%][A-Za-z0-9_]*)/.exec(text);
    const head = m?.[1];
    if (head === 'Resource' || head === 'DomainResource') {
      const rewritten = text.replace(/^(\(*\s*)(?:Resource|DomainResource)\./, `$1${resourceType}.`);
      result.push({ text: rewritten, root: rootElement(rewritten) });
    } else if (head === undefined || head === resourceType) {
      result.push({ text, root: rootElement(text) });
    } else if (!/^[A-Z]/.test(head)) {
      result.push({ text });
    }
  }
  return result;
}

function rootElement(text: string): string | undefined {
  if (NOT_PATH_ONLY.test(text)) {
    return undefined;
  }
  return /^\(*\s*[A-Za-z]+\.([a-z][A-Za-z0-9]*)/.exec(text)?.[1];
}
