/**
 * XTN → ContactPoint (V2-to-FHIR IG "Datatype XTN[ContactPoint] map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-xtn-to-contactpoint.html):
 * XTN.2 use (table 0201) → use, XTN.3 equipment (table 0202) → system, the value from XTN.4
 * (e-mail), XTN.12 (unformatted), XTN.5-8 (country, area, local, extension), or the deprecated XTN.1.
 */
import type { ContactPoint } from '@medplum/fhirtypes';
import type { Repetition } from '../../message/model';
import { text } from '../values';

const USE: Readonly<Record<string, ContactPoint['use']>> = {
  PRN: 'home',
  ORN: 'home',
  VHN: 'home',
  WPN: 'work',
  PRS: 'mobile',
};

const SYSTEM: Readonly<Record<string, ContactPoint['system']>> = {
  PH: 'phone',
  CP: 'phone',
  FX: 'fax',
  BP: 'pager',
  INTERNET: 'email',
  'X.400': 'email',
  MD: 'other',
  TDD: 'other',
  TTY: 'other',
  SAT: 'phone',
};

function number(rep: Repetition): string | undefined {
  const parts = [5, 6, 7].map((c) => text(rep.component(c)));
  if (parts.every((p) => p === undefined)) {
    return text(rep.component(12)) ?? text(rep.component(1));
  }
  const ext = text(rep.component(8));
  const [country, area, local] = parts;
  const base = [country && `+${country}`, area && `(${area})`, local].filter(Boolean).join(' ');
  return ext === undefined ? base : `${base} ext. ${ext}`;
}

/**
 * Maps one XTN repetition.
 * @param rep - the repetition
 * @returns the ContactPoint, or undefined when it has no value
 */
export function mapXtn(rep: Repetition): ContactPoint | undefined {
  const useCode = text(rep.component(2))?.toUpperCase();
  const equipment = text(rep.component(3))?.toUpperCase();
  const email = text(rep.component(4));
  const isEmail = useCode === 'NET' || equipment === 'INTERNET' || equipment === 'X.400';
  const valueText = isEmail ? (email ?? text(rep.component(1))) : number(rep);
  if (valueText === undefined) {
    return undefined;
  }
  // cpt-2: a value needs a system; phone is the default equipment.
  const system = isEmail ? 'email' : ((equipment === undefined ? undefined : SYSTEM[equipment]) ?? 'phone');
  const use = equipment === 'CP' ? 'mobile' : useCode === undefined ? undefined : USE[useCode];
  return { system, value: valueText, ...(use === undefined ? {} : { use }) };
}
