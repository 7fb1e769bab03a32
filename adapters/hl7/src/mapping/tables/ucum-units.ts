/**
 * OBX-6 units → UCUM (V2-to-FHIR IG "Datatype CWE[Quantity] map": OBX-6.1 → code, OBX-6.3 → system,
 * OBX-6.2 → unit; issue 3: "NM to valueQuantity with UCUM units when OBX-6 maps").
 * A unit maps when OBX-6.3 says UCUM, or when OBX-6.1 is one of the common laboratory spellings
 * below (the value is its UCUM code). Anything else keeps its text in Quantity.unit, with no
 * code, and is reported as a warning.
 */
import { lookup } from '../values';

/** The UCUM system URI. */
export const UCUM = 'http://unitsofmeasure.org';

/** Common v2 unit spellings → UCUM code (identity entries are already valid UCUM). */
const COMMON: Readonly<Record<string, string>> = {
  '%': '%',
  'g/dL': 'g/dL',
  'g/L': 'g/L',
  'mg/dL': 'mg/dL',
  'mg/L': 'mg/L',
  'ug/L': 'ug/L',
  'ug/dL': 'ug/dL',
  'ng/mL': 'ng/mL',
  'ng/dL': 'ng/dL',
  'pg/mL': 'pg/mL',
  'mol/L': 'mol/L',
  'mmol/L': 'mmol/L',
  'umol/L': 'umol/L',
  'nmol/L': 'nmol/L',
  'pmol/L': 'pmol/L',
  'mEq/L': 'meq/L',
  'meq/L': 'meq/L',
  'U/L': 'U/L',
  'IU/L': '[IU]/L',
  'mIU/L': 'm[IU]/L',
  'mIU/mL': 'm[IU]/mL',
  'uIU/mL': 'u[IU]/mL',
  fL: 'fL',
  pg: 'pg',
  g: 'g',
  kg: 'kg',
  mg: 'mg',
  m: 'm',
  cm: 'cm',
  mm: 'mm',
  L: 'L',
  mL: 'mL',
  'mL/min': 'mL/min',
  'mL/min/1.73m2': 'mL/min/{1.73_m2}',
  'mm[Hg]': 'mm[Hg]',
  mmHg: 'mm[Hg]',
  '/min': '/min',
  bpm: '/min',
  Cel: 'Cel',
  degC: 'Cel',
  s: 's',
  sec: 's',
  min: 'min',
  h: 'h',
  hr: 'h',
  d: 'd',
  'mm/h': 'mm/h',
  'mm/hr': 'mm/h',
  'kg/m2': 'kg/m2',
  '10*3/uL': '10*3/uL',
  '10^3/uL': '10*3/uL',
  'K/uL': '10*3/uL',
  'x10E3/uL': '10*3/uL',
  '10*6/uL': '10*6/uL',
  '10^6/uL': '10*6/uL',
  'M/uL': '10*6/uL',
  'x10E6/uL': '10*6/uL',
  '10*9/L': '10*9/L',
  '10^9/L': '10*9/L',
  '10*12/L': '10*12/L',
  '10^12/L': '10*12/L',
  '/uL': '/uL',
  'cells/uL': '/uL',
  '/[HPF]': '/[HPF]',
  '/HPF': '/[HPF]',
  'mosm/kg': 'mosm/kg',
  'mOsm/kg': 'mosm/kg',
  'mg/g': 'mg/g',
  'mg/(24.h)': 'mg/(24.h)',
  'g/(24.h)': 'g/(24.h)',
  '{ratio}': '{ratio}',
  ratio: '{ratio}',
  mGy: 'mGy',
  Gy: 'Gy',
  mSv: 'mSv',
};

/**
 * The UCUM code of a unit, when it maps.
 * @param code - OBX-6.1
 * @param system - OBX-6.3 (coding system name)
 * @returns the UCUM code, or undefined
 */
export function ucumCode(code: string, system: string | undefined): string | undefined {
  if (system !== undefined && /^(UCUM|http:\/\/unitsofmeasure\.org)$/i.test(system)) {
    return code;
  }
  return lookup(COMMON, code);
}
