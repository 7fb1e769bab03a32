/**
 * Turns the element paths that @medplum/core reports (`Observation.component[0].value[x].value`)
 * into FHIRPath (`Observation.component[0].value.ofType(Quantity).value`): a choice element is
 * named without `[x]`, and its type is selected with `ofType()`
 * (https://hl7.org/fhir/R4/fhirpath.html#polymorphism, http://hl7.org/fhirpath/#paths-and-polymorphic-items).
 * The type comes from the JSON property actually present in the resource.
 */
import { isPrimitiveType } from '@medplum/core';

const SEGMENT = /^(.*?)(\[x\])?(\[\d+\])?$/;

/**
 * Rewrites `[x]` segments of an element path against the resource they point into.
 * @param expression - a dotted element path starting with the resource type.
 * @param resource - the resource the path refers to.
 */
export function normalizeExpression(expression: string, resource: unknown): string {
  if (!expression.includes('[x]')) {
    return expression;
  }
  const [root, ...parts] = expression.split('.');
  const out: string[] = [root as string];
  let current: unknown = resource;
  for (const part of parts) {
    const [, name = part, choice, index = ''] = SEGMENT.exec(part) ?? [];
    const obj = isObject(current) ? current : undefined;
    if (choice) {
      const key = obj ? Object.keys(obj).find((k) => k.length > name.length && isChoiceKey(k, name)) : undefined;
      out.push(key ? `${name}.ofType(${typeName(key.slice(name.length))})${index}` : `${name}${index}`);
      current = key ? obj?.[key] : undefined;
    } else {
      out.push(part);
      current = obj?.[name];
    }
    if (index && Array.isArray(current)) {
      current = current[Number(index.slice(1, -1))];
    }
  }
  return out.join('.');
}

/**
 * The JSON value an element path (as medplum reports it, without `[x]`) points to, or `undefined`.
 * @param expression - a dotted element path starting with the resource type.
 * @param resource - the resource the path refers to.
 */
export function valueAtPath(expression: string, resource: unknown): unknown {
  let current: unknown = resource;
  for (const part of expression.split('.').slice(1)) {
    const [, name = part, , index] = SEGMENT.exec(part) ?? [];
    current = isObject(current) ? current[name] : undefined;
    if (index && Array.isArray(current)) {
      current = current[Number(index.slice(1, -1))];
    }
  }
  return current;
}

function isChoiceKey(key: string, name: string): boolean {
  const next = key.charCodeAt(name.length);
  return key.startsWith(name) && next >= 65 && next <= 90; // followed by an upper-case type name
}

/** `Quantity` stays `Quantity`; `DateTime` is the primitive `dateTime`. */
function typeName(suffix: string): string {
  const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  return isPrimitiveType(lower) ? lower : suffix;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
