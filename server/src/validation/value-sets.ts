/**
 * Local ValueSet expansion, enough to check required bindings without a terminology server.
 * Implements the `compose` rules of https://hl7.org/fhir/R4/valueset.html#compositions:
 * - `include.system` + `include.concept`: exactly those codes;
 * - `include.system` alone: every concept of that CodeSystem, nested concepts included
 *   (https://hl7.org/fhir/R4/codesystem.html#hierachy);
 * - `include.valueSet`: the intersection of the imported value sets (and of the system part);
 * - `compose.exclude`: the same rules, subtracted.
 * Anything we cannot compute exactly (filters, CodeSystems we do not hold or hold only partly)
 * makes the value set "not expandable" (`undefined`): the caller then skips the check, so a gap
 * here can never reject a valid resource. An exclude we cannot compute is ignored for the same
 * reason (the expansion stays a superset).
 */
import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetComposeInclude } from '@medplum/fhirtypes';

/** Where the expander finds ValueSets and CodeSystems by canonical URL (without `|version`). */
export interface TerminologySource {
  valueSet(url: string): ValueSet | undefined;
  codeSystem(url: string): CodeSystem | undefined;
}

/** The codes of an expanded value set. */
export interface ValueSetExpansion {
  /** The canonical URL (without version). */
  readonly url: string;
  /** `ValueSet.name` (or the URL), for messages. */
  readonly name: string;
  /** Codes per code system. */
  readonly systems: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every code, whatever its system (for `code` elements, whose system is implied). */
  readonly codes: ReadonlySet<string>;
}

type CodeMap = Map<string, Set<string>>;

/**
 * Strips the `|version` suffix of a canonical reference (https://hl7.org/fhir/R4/references.html#canonical).
 * @param canonical - a canonical URL, possibly versioned.
 */
export function stripVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

/** Expands value sets from a TerminologySource, caching every result (including "not expandable"). */
export class ValueSetExpander {
  private readonly cache = new Map<string, ValueSetExpansion | null>();
  private readonly inProgress = new Set<string>();

  /** @param source - where ValueSets and CodeSystems are looked up. */
  constructor(private readonly source: TerminologySource) {}

  /**
   * Expands a value set, or returns `undefined` when it cannot be expanded exactly.
   * @param canonical - the ValueSet canonical URL, optionally with `|version` (ignored).
   */
  expand(canonical: string): ValueSetExpansion | undefined {
    const url = stripVersion(canonical);
    const cached = this.cache.get(url);
    if (cached !== undefined) {
      return cached ?? undefined;
    }
    if (this.inProgress.has(url)) {
      return undefined; // an import cycle: give up rather than guess
    }
    this.inProgress.add(url);
    try {
      const result = this.compute(url);
      this.cache.set(url, result ?? null);
      return result;
    } finally {
      this.inProgress.delete(url);
    }
  }

  private compute(url: string): ValueSetExpansion | undefined {
    const vs = this.source.valueSet(url);
    const compose = vs?.compose;
    if (!vs || !compose?.include?.length) {
      return undefined;
    }
    const systems: CodeMap = new Map();
    for (const include of compose.include) {
      const part = this.expandInclude(include);
      if (!part) {
        return undefined;
      }
      addAll(systems, part);
    }
    for (const exclude of compose.exclude ?? []) {
      const part = this.expandInclude(exclude);
      if (part) {
        removeAll(systems, part);
      }
    }
    const codes = new Set<string>();
    for (const set of systems.values()) {
      set.forEach((c) => codes.add(c));
    }
    return { url, name: vs.name ?? vs.title ?? url, systems, codes };
  }

  private expandInclude(include: ValueSetComposeInclude): CodeMap | undefined {
    if (include.filter?.length) {
      return undefined;
    }
    let result: CodeMap | undefined;
    if (include.system) {
      const codes = include.concept?.length
        ? new Set(include.concept.map((c) => c.code as string))
        : this.wholeCodeSystem(include.system);
      if (!codes) {
        return undefined;
      }
      result = new Map([[include.system, codes]]);
    }
    for (const imported of include.valueSet ?? []) {
      const expansion = this.expand(imported);
      if (!expansion) {
        return undefined;
      }
      result = result ? intersect(result, expansion.systems) : copy(expansion.systems);
    }
    return result;
  }

  private wholeCodeSystem(system: string): Set<string> | undefined {
    const cs = this.source.codeSystem(system);
    if (!cs || cs.content !== 'complete' || !cs.concept?.length) {
      return undefined;
    }
    const codes = new Set<string>();
    collectConcepts(cs.concept, codes);
    return codes;
  }
}

function collectConcepts(concepts: CodeSystemConcept[], out: Set<string>): void {
  for (const concept of concepts) {
    if (concept.code) {
      out.add(concept.code);
    }
    if (concept.concept) {
      collectConcepts(concept.concept, out);
    }
  }
}

function addAll(target: CodeMap, part: ReadonlyMap<string, ReadonlySet<string>>): void {
  for (const [system, codes] of part) {
    let set = target.get(system);
    if (!set) {
      set = new Set();
      target.set(system, set);
    }
    codes.forEach((c) => set.add(c));
  }
}

function removeAll(target: CodeMap, part: ReadonlyMap<string, ReadonlySet<string>>): void {
  for (const [system, codes] of part) {
    const set = target.get(system);
    codes.forEach((c) => set?.delete(c));
  }
}

function copy(source: ReadonlyMap<string, ReadonlySet<string>>): CodeMap {
  const out: CodeMap = new Map();
  addAll(out, source);
  return out;
}

function intersect(a: CodeMap, b: ReadonlyMap<string, ReadonlySet<string>>): CodeMap {
  const out: CodeMap = new Map();
  for (const [system, codes] of a) {
    const other = b.get(system);
    if (other) {
      out.set(system, new Set([...codes].filter((c) => other.has(c))));
    }
  }
  return out;
}
