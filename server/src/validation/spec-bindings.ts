/**
 * The process-wide required-binding checker for the R4 base specification. Built once (plans for
 * every loaded type, expansions of every value set a required binding names), after which the
 * ~22 MB of spec terminology JSON is released: only the expanded code Sets stay in memory.
 */
import { loadFhirDefinitions } from '../definitions/fhir-definitions';
import { BindingChecker } from './binding-check';
import { buildBindingPlans } from './binding-plan';
import { loadSpecTerminology } from './spec-terminology';
import { ValueSetExpander, type ValueSetExpansion } from './value-sets';

let checker: BindingChecker | undefined;
let unexpandable: readonly string[] = [];

/** The shared checker for base-spec required bindings (built on first call, ~0.2 s). */
export function getSpecBindingChecker(): BindingChecker {
  if (checker) {
    return checker;
  }
  loadFhirDefinitions();
  const plans = buildBindingPlans();
  const expansions = expandAll(plans.valueSets);
  unexpandable = [...plans.valueSets].filter((url) => !expansions.has(url)).sort();
  checker = new BindingChecker(plans, (url) => expansions.get(url));
  return checker;
}

/** In its own function so that no closure keeps the terminology files alive (V8 shares scopes). */
function expandAll(valueSets: Iterable<string>): Map<string, ValueSetExpansion> {
  const expander = new ValueSetExpander(loadSpecTerminology());
  const expansions = new Map<string, ValueSetExpansion>();
  for (const url of valueSets) {
    const expansion = expander.expand(url);
    if (expansion) {
      expansions.set(url, expansion);
    }
  }
  return expansions;
}

/** The required-binding value sets that cannot be expanded locally, so are not checked (for docs and tests). */
export function uncheckedSpecValueSets(): readonly string[] {
  getSpecBindingChecker();
  return unexpandable;
}
