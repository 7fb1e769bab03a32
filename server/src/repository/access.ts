/**
 * Access control enforced inside the repository (DESIGN.md, "Access control lives in the
 * repository"). Scopes follow SMART App Launch 2.x
 * (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html): `<context>/<type>.<perms>`
 * where perms are v2 `cruds` letters or v1 `read`/`write`/`*`.
 */
import type { AccessContext } from '../context';
import { fhirError } from '../errors/outcome';

/** The SMART v2 permission letters. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

const V1_PERMS: Record<string, readonly Permission[]> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

/**
 * Whether any scope grants `permission` on `resourceType`.
 * @param access - the caller's access context.
 * @param resourceType - the resource type touched.
 * @param permission - the SMART v2 permission letter.
 */
export function scopeAllows(access: AccessContext, resourceType: string, permission: Permission): boolean {
  for (const scope of access.scopes) {
    const match = /^(patient|user|system)\/([A-Za-z*]+)\.([a-z*]+)$/.exec(scope.split('?')[0] ?? '');
    if (!match) {
      continue;
    }
    const [, , type, perms] = match as unknown as [string, string, string, string];
    if (type !== '*' && type !== resourceType) {
      continue;
    }
    const granted = V1_PERMS[perms] ?? (/^c?r?u?d?s?$/.test(perms) ? (perms.split('') as Permission[]) : []);
    if (granted.includes(permission)) {
      return true;
    }
  }
  return false;
}

/**
 * Throws 403 unless the caller may perform `permission` on `resourceType`.
 * @param access - the caller's access context.
 * @param resourceType - the resource type touched.
 * @param permission - the SMART v2 permission letter.
 */
export function assertAllowed(access: AccessContext, resourceType: string, permission: Permission): void {
  if (!scopeAllows(access, resourceType, permission)) {
    throw fhirError(
      'TESSERA_E_AUTH_FORBIDDEN',
      `Access to ${resourceType} (${permission}) is not granted by the token's scopes`,
    );
  }
}

/**
 * The compartment a patient-scoped caller is confined to (`Patient/123`), or undefined.
 * @param access - the caller's access context.
 */
export function patientCompartment(access: AccessContext): string | undefined {
  return access.patient ? `Patient/${access.patient}` : undefined;
}
