/**
 * People and organizations named in a message become references (V2-to-FHIR IG
 * "Datatype XCN[Practitioner] map", "Datatype XON[Organization] map"). Decision (README, requester
 * handling): one with an identifier becomes a Practitioner / Organization created only when
 * missing (conditional create by identifier), so every message naming Dr X points at the same
 * resource and an existing record is never overwritten by a sparse XCN; one with a name but no
 * identifier becomes a display-only reference (nothing to match it by).
 */
import type { Organization, Practitioner, Reference } from '@medplum/fhirtypes';
import type { Repetition } from '../../message/model';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext } from '../context';
import { identifierSystem } from '../datatypes/authority';
import type { Person } from '../datatypes/xcn';
import { nameDisplay } from '../datatypes/xpn';
import { text } from '../values';

/**
 * A reference to a person, adding the Practitioner to the Bundle when identified.
 * @param person - the person (from XCN or NDL)
 * @param bundle - the Bundle being built
 * @returns the reference, or undefined
 */
export function practitionerReference(
  person: Person | undefined,
  bundle: BundleBuilder,
): Reference<Practitioner> | undefined {
  if (person === undefined) {
    return undefined;
  }
  const display = nameDisplay(person.name);
  if (person.identifier === undefined) {
    return display === undefined ? undefined : { display };
  }
  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    identifier: [person.identifier],
    ...(person.name === undefined ? {} : { name: [person.name] }),
  };
  return bundle.createIfMissing(practitioner, person.identifier, display);
}

/**
 * A reference to an organization from an XON (XON.1 name, XON.10 identifier, XON.6 authority;
 * v2.3's XON.3 id number when XON.10 is empty).
 * @param rep - the XON repetition
 * @param ctx - mapping context (configuration)
 * @param bundle - the Bundle being built
 * @returns the reference, or undefined
 */
export function organizationReference(
  rep: Repetition | undefined,
  ctx: MappingContext,
  bundle: BundleBuilder,
): Reference<Organization> | undefined {
  if (rep === undefined) {
    return undefined;
  }
  const name = text(rep.component(1));
  const id = text(rep.component(10)) ?? text(rep.component(3));
  if (id === undefined) {
    return name === undefined ? undefined : { display: name };
  }
  const identifier = {
    system: identifierSystem(
      {
        namespace: text(rep.subcomponent(6, 1)),
        universalId: text(rep.subcomponent(6, 2)),
        universalIdType: text(rep.subcomponent(6, 3)),
      },
      ctx.config,
      'organization',
    ),
    value: id,
  };
  const organization: Organization = {
    resourceType: 'Organization',
    identifier: [identifier],
    ...(name === undefined ? {} : { name }),
  };
  return bundle.createIfMissing(organization, identifier, name);
}
