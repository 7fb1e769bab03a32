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
  const expander = new ValueSetExpander(loadSpecTerminology());
  const expansions = new Map<string, ValueSetExpansion>();
  const skipped: string[] = [];
  for (const url of plans.valueSets) {
    const expansion = expander.expand(url);
    if (expansion) {
      expansions.set(url, expansion);
    } else {
      skipped.push(url);
    }
  }
  unexpandable = skipped.sort();
  checker = new BindingChecker(plans, (url) => expansions.get(url));
  return checker;
}

/** The required-binding value sets that cannot be expanded locally, so are not checked (for docs and tests). */
export function uncheckedSpecValueSets(): readonly string[] {
  getSpecBindingChecker();
  return unexpandable;
}
