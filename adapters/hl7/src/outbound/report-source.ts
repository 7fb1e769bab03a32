/**
 * Gathers what an ORU^R01 is built from, through the repository: the DiagnosticReport, its
 * `result` Observations, its subject Patient and the ServiceRequest it is `basedOn`.
 *
 * Which report a notification means: a Subscription on DiagnosticReport sends that report
 * (the notified version). A Subscription on Observation sends, for each DiagnosticReport whose
 * `result` holds the Observation, that report as currently stored, so the receiver always gets a
 * whole result set (an ORU is a report, not a lone value); an Observation in no report cannot be
 * sent as an ORU and fails permanently.
 */
import type { DiagnosticReport, Observation, Patient, Reference, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { FhirError } from '../../../../server/src/errors/outcome';
import type { FhirRepository } from '../../../../server/src/repository/repository';
import { PermanentDeliveryError } from '../../../../server/src/subscriptions/channel';

/** One report and what goes with it. */
export interface OruSource {
  readonly report: DiagnosticReport;
  readonly observations: readonly Observation[];
  readonly patient?: Patient;
  readonly serviceRequest?: ServiceRequest;
}

/**
 * The id of a literal reference to a type (`Type/id`, absolute, or versioned).
 * @param reference - the Reference.
 * @param type - the expected resource type.
 * @returns the id, undefined for other types, contained or logical references.
 */
export function referencedId(reference: Reference | undefined, type: string): string | undefined {
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(
    reference?.reference ?? '',
  );
  return match?.[1] === type ? match[2] : undefined;
}

/** Reads a resource; undefined when it is unknown or deleted (other failures propagate: retry). */
async function readOptional<T extends Resource>(
  repo: FhirRepository,
  type: T['resourceType'],
  id: string | undefined,
): Promise<T | undefined> {
  if (id === undefined) {
    return undefined;
  }
  try {
    return await repo.read<T>(type, id);
  } catch (err) {
    if (err instanceof FhirError && (err.status === 404 || err.status === 410)) {
      return undefined;
    }
    throw err;
  }
}

async function gather(repo: FhirRepository, report: DiagnosticReport): Promise<OruSource> {
  const observations: Observation[] = [];
  for (const ref of report.result ?? []) {
    const o = await readOptional<Observation>(repo, 'Observation', referencedId(ref, 'Observation'));
    if (o !== undefined) {
      observations.push(o);
    }
  }
  const patient = await readOptional<Patient>(repo, 'Patient', referencedId(report.subject, 'Patient'));
  const orderId = (report.basedOn ?? []).map((r) => referencedId(r, 'ServiceRequest')).find((id) => id !== undefined);
  const serviceRequest = await readOptional<ServiceRequest>(repo, 'ServiceRequest', orderId);
  return { report, observations, ...(patient ? { patient } : {}), ...(serviceRequest ? { serviceRequest } : {}) };
}

/**
 * The reports to send for a notified resource.
 * @param repo - a system repository.
 * @param resource - the notified resource version.
 * @returns one source per report.
 * @throws PermanentDeliveryError for other resource types or an Observation in no report.
 */
export async function loadOruSources(repo: FhirRepository, resource: Resource): Promise<OruSource[]> {
  if (resource.resourceType === 'DiagnosticReport') {
    return [await gather(repo, resource)];
  }
  if (resource.resourceType === 'Observation' && resource.id !== undefined) {
    const found = await repo.search({
      resourceType: 'DiagnosticReport',
      params: [['result', `Observation/${resource.id}`]],
    });
    const reports = found.matches.filter((r): r is DiagnosticReport => r.resourceType === 'DiagnosticReport');
    if (reports.length === 0) {
      throw new PermanentDeliveryError(`Observation/${resource.id} is in no DiagnosticReport; an ORU^R01 needs one`);
    }
    return Promise.all(reports.map((r) => gather(repo, r)));
  }
  throw new PermanentDeliveryError(`an ORU^R01 is built from a DiagnosticReport, not a ${resource.resourceType}`);
}
