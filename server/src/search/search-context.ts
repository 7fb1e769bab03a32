/**
 * Shared state and error helpers for search parsing (parse.ts and its helpers).
 * Spec: https://hl7.org/fhir/R4/search.html#errors -- unknown parameters are ignored (and
 * reported) unless the client asked for strict handling (`Prefer: handling=strict`).
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { fhirError, type FhirError } from '../errors/outcome';

/** What every parsing helper needs. */
export interface ParseContext {
  /** Throw on unknown parameters instead of warning. */
  readonly strict: boolean;
  /** The current time, for `ap` on dates. */
  readonly now: Date;
  /** The server's base URL: absolute references on it are searched as relative ones. */
  readonly baseUrl?: string;
  /** Collected warning issues. */
  readonly warnings: OperationOutcomeIssue[];
}

/**
 * Reports an unknown or unsupported parameter: a warning issue, or (strict) a 400.
 * @param ctx - the parse context.
 * @param name - the parameter name as sent.
 * @param detail - optional explanation.
 */
export function unknownParameter(ctx: ParseContext, name: string, detail?: string): void {
  const text = detail ?? `Unknown search parameter: ${name}`;
  if (ctx.strict) {
    throw fhirError('TESSERA_E_SEARCH_UNKNOWN_PARAMETER', text, name);
  }
  ctx.warnings.push({
    severity: 'warning',
    code: 'not-supported',
    details: { text: `${text} (ignored)` },
    diagnostics: 'TESSERA_E_SEARCH_UNKNOWN_PARAMETER',
    expression: [name],
  });
}

/**
 * A 400 for a value that cannot be parsed.
 * @param name - the parameter name.
 * @param detail - what is wrong.
 * @returns the error, to throw.
 */
export function invalidValue(name: string, detail: string): FhirError {
  return fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `${name}: ${detail}`, name);
}

/**
 * A 400 for an unsupported modifier.
 * @param name - the parameter name.
 * @param modifier - the modifier.
 * @param detail - optional explanation.
 * @returns the error, to throw.
 */
export function invalidModifier(name: string, modifier: string, detail?: string): FhirError {
  return fhirError('TESSERA_E_SEARCH_INVALID_MODIFIER', detail ?? `Unsupported modifier :${modifier} on ${name}`, name);
}
