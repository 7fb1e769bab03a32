/**
 * Worker-thread entry of the analyzer pool: loads the FHIR definitions and the validator once,
 * then answers `{ id, resource }` messages with `{ id, analysis }` (or `{ id, error }`).
 */
import { parentPort } from 'node:worker_threads';
import type { Resource } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from '../definitions/fhir-definitions';
import { createValidator } from '../validation/fhir-validator';
import { analyzeResource } from './analysis';

loadFhirDefinitions();
const validator = createValidator();

parentPort?.on('message', (message: { id: number; resource: Resource }) => {
  try {
    parentPort?.postMessage({ id: message.id, analysis: analyzeResource(validator, message.resource) });
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});
