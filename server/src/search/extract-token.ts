/**
 * Token values of FHIR data types, for token index entries and composite first parts.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#token -- Coding (system|code, display for `:text`),
 * CodeableConcept (each coding, `text`), Identifier (system|value, `type` for `:of-type`),
 * ContactPoint (value only: "the system is not used"), code/string/uri/id and boolean (`true`/`false`).
 */
import type { TypedValue } from '@medplum/core';
import type { CodeableConcept, Coding, ContactPoint, Identifier } from '@medplum/fhirtypes';
import { normalizeString } from './normalize';

/** The token fields of one value (TokenIndexEntry without `kind`/`code`). */
export interface TokenPart {
  system?: string;
  value?: string;
  text?: string;
  identifierTypes?: string[];
}

function nonEmpty(s: unknown): string | undefined {
  return typeof s === 'string' && s.length > 0 ? s : undefined;
}

function codingPart(coding: Coding, fallbackText?: string): TokenPart | undefined {
  const part: TokenPart = {};
  const system = nonEmpty(coding.system);
  const value = nonEmpty(coding.code);
  const text = nonEmpty(coding.display) ?? fallbackText;
  if (system !== undefined) {
    part.system = system;
  }
  if (value !== undefined) {
    part.value = value;
  }
  if (text !== undefined) {
    part.text = normalizeString(text);
  }
  return system === undefined && value === undefined ? undefined : part;
}

function codeableConceptParts(cc: CodeableConcept): TokenPart[] {
  const parts: TokenPart[] = [];
  for (const coding of cc.coding ?? []) {
    const p = codingPart(coding);
    if (p) {
      parts.push(p);
    }
  }
  const text = nonEmpty(cc.text);
  if (text !== undefined) {
    parts.push({ text: normalizeString(text) });
  }
  return parts;
}

function identifierPart(identifier: Identifier): TokenPart | undefined {
  const system = nonEmpty(identifier.system);
  const value = nonEmpty(identifier.value);
  if (system === undefined && value === undefined) {
    return undefined;
  }
  const part: TokenPart = {};
  if (system !== undefined) {
    part.system = system;
  }
  if (value !== undefined) {
    part.value = value;
  }
  const text = nonEmpty(identifier.type?.text);
  if (text !== undefined) {
    part.text = normalizeString(text);
  }
  const types = (identifier.type?.coding ?? [])
    .filter((c) => nonEmpty(c.code) !== undefined)
    .map((c) => `${c.system ?? ''}|${c.code}`);
  if (types.length > 0) {
    part.identifierTypes = types;
  }
  return part;
}

/**
 * The token parts of one value selected by a token SearchParameter expression.
 * @param tv - the typed value (Coding, CodeableConcept, Identifier, ContactPoint, boolean, code...).
 * @returns zero or more token parts.
 */
export function tokenParts(tv: TypedValue): TokenPart[] {
  const v: unknown = tv.value;
  switch (tv.type) {
    case 'Coding': {
      const p = codingPart(v as Coding);
      return p ? [p] : [];
    }
    case 'CodeableConcept':
      return codeableConceptParts(v as CodeableConcept);
    case 'Identifier': {
      const p = identifierPart(v as Identifier);
      return p ? [p] : [];
    }
    case 'ContactPoint': {
      const value = nonEmpty((v as ContactPoint).value);
      return value === undefined ? [] : [{ value }];
    }
    default:
      break;
  }
  if (typeof v === 'boolean' || typeof v === 'number') {
    return [{ value: String(v) }];
  }
  const value = nonEmpty(v);
  return value === undefined ? [] : [{ value }];
}
