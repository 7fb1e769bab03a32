/**
 * XAD → Address (V2-to-FHIR IG "Datatype XAD[Address] map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-xad-to-address.html):
 * XAD.1.1 street, XAD.2 other designation → line, XAD.3 → city, XAD.4 → state, XAD.5 → postalCode,
 * XAD.6 → country, XAD.9 → district, XAD.7 address type (table 0190) → use / type
 * ("Table HL70190 to Address Use Map", "... to Address Type Map").
 */
import type { Address } from '@medplum/fhirtypes';
import type { Repetition } from '../../message/model';
import { text } from '../values';

const ADDRESS_USE: Readonly<Record<string, Address['use']>> = {
  H: 'home',
  P: 'home',
  RH: 'home',
  B: 'work',
  O: 'work',
  C: 'temp',
  BA: 'old',
  BI: 'billing',
};

const ADDRESS_TYPE: Readonly<Record<string, Address['type']>> = { M: 'postal', SH: 'physical' };

/**
 * Maps one XAD repetition.
 * @param rep - the repetition
 * @returns the Address, or undefined when empty
 */
export function mapXad(rep: Repetition): Address | undefined {
  const line = [text(rep.subcomponent(1, 1)), text(rep.component(2))].filter((l): l is string => l !== undefined);
  const fields = {
    city: text(rep.component(3)),
    state: text(rep.component(4)),
    postalCode: text(rep.component(5)),
    country: text(rep.component(6)),
    district: text(rep.component(9)),
  };
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Address>;
  if (line.length === 0 && Object.keys(set).length === 0) {
    return undefined;
  }
  const code = text(rep.component(7))?.toUpperCase();
  const use = code === undefined ? undefined : ADDRESS_USE[code];
  const type = code === undefined ? undefined : ADDRESS_TYPE[code];
  return {
    ...(use === undefined ? {} : { use }),
    ...(type === undefined ? {} : { type }),
    ...(line.length > 0 ? { line } : {}),
    ...set,
  };
}
