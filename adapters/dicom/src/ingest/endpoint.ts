/**
 * The DICOMweb Endpoint every ImagingStudy points at (https://hl7.org/fhir/R4/imagingstudy.html:
 * `ImagingStudy.endpoint`, "the network service providing access for the study"), kept under a
 * fixed id and brought up to date with the public base URL at start.
 */
import type { Endpoint, Reference } from '@medplum/fhirtypes';
import type { FhirRepository } from '../../../../server/src/repository/repository';

/** The Endpoint's logical id. */
export const DICOMWEB_ENDPOINT_ID = 'tessera-dicomweb';

/**
 * The Endpoint resource for a base URL.
 * @param baseUrl - public base URL (no trailing slash)
 * @returns the Endpoint
 */
export function dicomwebEndpoint(baseUrl: string): Endpoint {
  return {
    resourceType: 'Endpoint',
    id: DICOMWEB_ENDPOINT_ID,
    status: 'active',
    // http://terminology.hl7.org/CodeSystem/endpoint-connection-type: dicom-wado-rs covers WADO-RS;
    // the same root also serves QIDO-RS and STOW-RS (PS3.18 10).
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'dicom-wado-rs' },
    name: 'Tessera DICOMweb (WADO-RS, QIDO-RS, STOW-RS)',
    payloadType: [{ text: 'DICOM' }],
    payloadMimeType: ['application/dicom'],
    address: `${baseUrl}/dicomweb`,
  };
}

/**
 * Creates or updates the Endpoint when its address changed.
 * @param repo - a repository with system access
 * @param baseUrl - public base URL
 * @returns a reference to it
 */
export async function ensureDicomwebEndpoint(repo: FhirRepository, baseUrl: string): Promise<Reference<Endpoint>> {
  const wanted = dicomwebEndpoint(baseUrl);
  let current: Endpoint | undefined;
  try {
    current = await repo.read<Endpoint>('Endpoint', DICOMWEB_ENDPOINT_ID);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 404 && status !== 410) {
      throw error;
    }
  }
  if (current?.address !== wanted.address || current.status !== 'active') {
    await repo.update<Endpoint>(wanted);
  }
  return { reference: `Endpoint/${DICOMWEB_ENDPOINT_ID}` };
}
