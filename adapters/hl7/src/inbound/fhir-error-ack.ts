/**
 * Turns a FHIR failure of a message's transaction into ACK ERR segments. A 4xx FhirError is a
 * content problem (the message produced FHIR the server refuses, or pointed at something
 * ambiguous): MSA-1 AE, HL7 v2.5.1 section 2.9.2 and table 0008. The table 0357 code says what
 * kind; ERR-8 carries the OperationOutcome's text so the sender's staff can act on it.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { AckError } from '../message/ack';
import type { Hl7ErrorCode } from '../message/error-codes';
import {
  APPLICATION_INTERNAL_ERROR,
  DATA_TYPE_ERROR,
  DUPLICATE_KEY_IDENTIFIER,
  UNKNOWN_KEY_IDENTIFIER,
} from '../message/error-codes';

/** Table 0357 code per HTTP status of the failed transaction. */
function codeFor(status: number): Hl7ErrorCode {
  switch (status) {
    case 412:
      // Several resources match an identifier the message uses: the key is not unique.
      return DUPLICATE_KEY_IDENTIFIER;
    case 404:
    case 410:
      return UNKNOWN_KEY_IDENTIFIER;
    case 400:
    case 422:
      return DATA_TYPE_ERROR;
    default:
      return APPLICATION_INTERNAL_ERROR;
  }
}

/**
 * ERR entries for a refused transaction.
 * @param status - the HTTP status of the FhirError
 * @param outcome - its OperationOutcome
 * @returns one ERR per error issue (at least one)
 */
export function ackErrorsForOutcome(status: number, outcome: OperationOutcome): AckError[] {
  const code = codeFor(status);
  const issues = (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const texts = issues.map((i) => {
    const where = i.expression?.[0] ?? i.location?.[0];
    const text = i.details?.text ?? i.diagnostics ?? i.code;
    return where ? `${text} (${where})` : text;
  });
  return (texts.length > 0 ? texts : [`FHIR transaction refused with HTTP ${status}`]).map((message) => ({
    code,
    severity: 'E' as const,
    message,
  }));
}
