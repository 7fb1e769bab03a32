/**
 * Deterministic synthetic clinical data for the benchmarks: patients with names, identifiers and
 * birth dates, and laboratory Observations with LOINC codes and UCUM quantities.
 */
import type { Observation, Patient } from '@medplum/fhirtypes';

const FAMILY_STEMS = [
  'Smith',
  'Müller',
  'Garcia',
  'Nguyen',
  'Okafor',
  'Rossi',
  'Kowalski',
  'Tanaka',
  'Dubois',
  'Haddad',
  'Johansson',
  'Novak',
  'Silva',
  'Cohen',
  'Ivanov',
  'Khan',
  'Murphy',
  'Schmidt',
  'Petit',
  'Yilmaz',
];
const FAMILY_ENDINGS = [
  '',
  'son',
  'er',
  'ini',
  'ez',
  'ova',
  'ski',
  'strom',
  'elli',
  'ard',
  'ovic',
  'berg',
  'mann',
  'ley',
  'ton',
  'ford',
  'wood',
  'ens',
  'escu',
  'oglu',
  'ak',
  'in',
  'ow',
  'ic',
  'as',
  'eau',
  'os',
  'an',
  'ey',
  'ie',
  'et',
  'ot',
  'au',
  'ich',
  'yk',
  'ul',
  'ir',
  'um',
  'ax',
  'ix',
  'ox',
  'ug',
  'eg',
  'af',
  'ob',
  'ud',
  'im',
  'op',
  'ek',
  'uz',
];
/** 1,000 family names (20 stems x 50 endings): a realistic spread for a hospital's patient index. */
const FAMILIES = FAMILY_STEMS.flatMap((stem) => FAMILY_ENDINGS.map((end) => `${stem}${end}`));
const GIVENS = ['Anna', 'Ben', 'Chloé', 'David', 'Emma', 'Farah', 'George', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lena'];

/** LOINC codes with UCUM units and plausible value ranges. */
export const LAB_CODES: readonly { code: string; unit: string; low: number; high: number }[] = [
  { code: '2345-7', unit: 'mg/dL', low: 60, high: 200 },
  { code: '718-7', unit: 'g/dL', low: 8, high: 18 },
  { code: '2951-2', unit: 'mmol/L', low: 130, high: 150 },
  { code: '2823-3', unit: 'mmol/L', low: 3, high: 6 },
  { code: '2160-0', unit: 'mg/dL', low: 0.5, high: 3 },
  { code: '6690-2', unit: '10*3/uL', low: 3, high: 15 },
  { code: '777-3', unit: '10*3/uL', low: 100, high: 450 },
  { code: '1742-6', unit: 'U/L', low: 5, high: 80 },
  { code: '8480-6', unit: 'mm[Hg]', low: 90, high: 180 },
  { code: '8462-4', unit: 'mm[Hg]', low: 50, high: 110 },
  { code: '8867-4', unit: '/min', low: 45, high: 130 },
  { code: '2093-3', unit: 'mg/dL', low: 120, high: 300 },
  { code: '4548-4', unit: '%', low: 4, high: 12 },
  { code: '17861-6', unit: 'mg/dL', low: 8, high: 11 },
  { code: '1975-2', unit: 'mg/dL', low: 0.1, high: 2 },
  { code: '2085-9', unit: 'mg/dL', low: 30, high: 90 },
  { code: '13457-7', unit: 'mg/dL', low: 50, high: 200 },
  { code: '2571-8', unit: 'mg/dL', low: 50, high: 400 },
  { code: '3094-0', unit: 'mg/dL', low: 5, high: 40 },
  { code: '2075-0', unit: 'mmol/L', low: 95, high: 110 },
];

/** A small deterministic PRNG (mulberry32) so runs are repeatable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** The i-th synthetic patient. */
export function syntheticPatient(i: number, random: () => number): Patient {
  const year = 1930 + Math.floor(random() * 90);
  const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.3.9999.1', value: `MRN${String(i).padStart(8, '0')}` }],
    name: [{ family: pick(random, FAMILIES), given: [pick(random, GIVENS)] }],
    gender: random() < 0.5 ? 'female' : 'male',
    birthDate: `${year}-${month}-${day}`,
  };
}

/** A synthetic lab Observation for a patient. */
export function syntheticObservation(patientId: string, random: () => number): Observation {
  const lab = pick(random, LAB_CODES);
  const value = Math.round((lab.low + random() * (lab.high - lab.low)) * 10) / 10;
  const when = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 5 * 365 * 86_400_000));
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: lab.code }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: when.toISOString(),
    valueQuantity: { value, unit: lab.unit, system: 'http://unitsofmeasure.org', code: lab.unit },
  };
}

/** Family names used (for name searches). */
export const FAMILY_NAMES = FAMILIES;
