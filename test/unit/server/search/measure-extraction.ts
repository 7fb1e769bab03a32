// Not a test: measures write-time index extraction per Observation (the create benchmark needs
// >= 1,000 validated + indexed creates/s, so extraction must stay well under 0.3 ms).
// Run: node --import tsx test/unit/server/search/measure-extraction.ts
import type { Observation } from '@medplum/fhirtypes';
import { extractIndexEntries } from '../../../../server/src/search/index-extraction';
import { compartmentsFromEntries } from '../../../../server/src/search/compartments';

function observation(i: number): Observation {
  return {
    resourceType: 'Observation',
    id: `obs-${i}`,
    meta: { source: 'urn:hl7:lis', tag: [{ system: 'http://example.org/tags', code: 'lab' }] },
    identifier: [{ system: 'urn:hl7:filler', value: `F${i}` }],
    basedOn: [{ reference: `ServiceRequest/sr-${i}` }],
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }] },
    subject: { reference: `Patient/p-${i % 100}` },
    effectiveDateTime: '2024-03-15T10:00:00+01:00',
    issued: '2024-03-15T11:00:00.000Z',
    performer: [{ reference: 'Organization/lab' }],
    valueQuantity: { value: 95 + (i % 10), unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    interpretation: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }] },
    ],
    referenceRange: [{ low: { value: 70 }, high: { value: 110 } }],
  };
}

const warmup = 2000;
const n = 20000;
for (let i = 0; i < warmup; i++) {
  extractIndexEntries(observation(i));
}
let entries = 0;
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  const o = observation(i);
  const found = extractIndexEntries(o);
  compartmentsFromEntries('Observation', o.id, found);
  entries += found.length;
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
console.log(
  JSON.stringify({ observations: n, entriesPerObservation: entries / n, msPerObservation: +(ms / n).toFixed(4) }),
);
