/**
 * Reference resolution inside a transaction, https://hl7.org/fhir/R4/http.html#trules and
 * https://hl7.org/fhir/R4/bundle.html#references: when an entry's `urn:uuid:`/`urn:oid:` fullUrl
 * gets a server id, every occurrence of that urn anywhere in the Bundle is replaced
 * ("resource references, elements of type uri, url, oid, uuid, and <a href> / <img src> in the
 * narrative"); a version-specific reference stays version-specific. Conditional references
 * (`Patient?identifier=sys|val`) are found here and resolved by the transaction processor.
 */

/** urn -> `Type/id` replacements (also conditional reference -> `Type/id`). */
export type ReferenceMap = ReadonlyMap<string, string>;

/** Whether a string is a Bundle-local urn (`urn:uuid:` or `urn:oid:`). */
export function isBundleUrn(value: string | undefined): value is string {
  return value !== undefined && (value.startsWith('urn:uuid:') || value.startsWith('urn:oid:'));
}

const conditionalReference = /^[A-Z][A-Za-z]+\?.+$/;

function replaceString(value: string, key: string | undefined, map: ReferenceMap): string {
  const direct = map.get(value);
  if (direct !== undefined) {
    return direct;
  }
  if (key === 'reference') {
    // version-specific reference to a urn: `urn:uuid:x/_history/2`
    const hist = value.indexOf('/_history/');
    const target = hist > 0 ? map.get(value.slice(0, hist)) : undefined;
    if (target !== undefined) {
      return `${target}${value.slice(hist)}`;
    }
  }
  if (key === 'div' && value.includes('urn:')) {
    return value.replace(/(href|src)="(urn:(?:uuid|oid):[^"]+)"/g, (whole, attr: string, urn: string) => {
      const target = map.get(urn);
      return target === undefined ? whole : `${attr}="${target}"`;
    });
  }
  return value;
}

/**
 * Returns a deep copy of `value` with every mapped urn/conditional reference replaced.
 * @param value - any JSON value (a resource, a request URL...).
 * @param map - replacements.
 */
export function rewriteReferences<T>(value: T, map: ReferenceMap): T {
  return rewrite(value, undefined, map) as T;
}

function rewrite(value: unknown, key: string | undefined, map: ReferenceMap): unknown {
  if (typeof value === 'string') {
    return replaceString(value, key, map);
  }
  if (Array.isArray(value)) {
    return value.map((v) => rewrite(v, key, map));
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = rewrite(v, k, map);
    }
    return out;
  }
  return value;
}

/**
 * Collects the conditional references (`Type?query` in `Reference.reference`) of a JSON value.
 * @param value - a resource.
 * @param into - the set to add to.
 */
export function collectConditionalReferences(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => collectConditionalReferences(v, into));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string' && conditionalReference.test(v)) {
        into.add(v);
      } else {
        collectConditionalReferences(v, into);
      }
    }
  }
  return into;
}
