/**
 * `$validate`, https://hl7.org/fhir/R4/resource-operation-validate.html, at type level
 * (`POST [base]/[type]/$validate`) and instance level (`POST [base]/[type]/[id]/$validate`, which
 * validates the stored resource when no resource is given). The body is the resource itself or a
 * Parameters resource with `resource`, `mode` and `profile`. Per spec the answer is 200 with an
 * OperationOutcome listing the issues even when the resource is invalid; a body that is not a
 * resource is a 400.
 */
import type { OperationDefinition, OperationOutcome, Parameters, Resource } from '@medplum/fhirtypes';
import { allOk, fhirError } from '../../errors/outcome';
import { requireResource } from '../body';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';
import { parseOperationInput } from './parameters';

/** The operation's definition (the subset of the base spec's Resource-validate that Tessera honours). */
export const validateOperation: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'Resource-validate',
  url: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
  name: 'Validate',
  status: 'active',
  kind: 'operation',
  code: 'validate',
  resource: ['Resource' as NonNullable<OperationDefinition['resource']>[number]],
  system: false,
  type: true,
  instance: true,
  parameter: [
    { name: 'resource', use: 'in', min: 0, max: '1', type: 'Resource' },
    { name: 'mode', use: 'in', min: 0, max: '1', type: 'code' },
    { name: 'profile', use: 'in', min: 0, max: '1', type: 'uri' },
    { name: 'return', use: 'out', min: 1, max: '1', type: 'OperationOutcome' },
  ],
};

const modes = new Set(['create', 'update', 'delete']);

/**
 * Validates a resource and reports the issues.
 * @param req - routed request with `type` (and `id` at instance level).
 * @param ctx - interaction context (uses the validator, and the repository at instance level).
 */
export async function validateHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const { type = '', id } = req.pathParams;
  const isParameters =
    typeof req.body === 'object' && req.body !== null && (req.body as Resource).resourceType === 'Parameters';
  const input = parseOperationInput(validateOperation, isParameters ? (req.body as Parameters) : undefined, req.params);
  const mode = input.mode?.[0];
  if (mode !== undefined && !modes.has(String(mode))) {
    throw fhirError('TESSERA_E_FHIR_NOT_SUPPORTED', `Unknown $validate mode "${String(mode)}"`);
  }
  const profile = input.profile?.[0];
  let resource: Resource;
  if (isParameters) {
    if (input.resource?.[0] !== undefined) {
      resource = requireResource(input.resource[0], type);
    } else if (id !== undefined) {
      resource = await ctx.repo.read(type as 'Patient', id);
    } else {
      throw fhirError('TESSERA_E_VALIDATION_STRUCTURE', 'Parameters has no "resource" to validate');
    }
  } else if (req.body === undefined && id !== undefined) {
    resource = await ctx.repo.read(type as 'Patient', id);
  } else {
    resource = requireResource(req.body, type);
  }
  if (mode === 'delete') {
    return { status: 200, resource: allOk('Delete allowed') };
  }
  const issues = ctx.validator.validate(resource, typeof profile === 'string' ? profile : undefined);
  const outcome: OperationOutcome =
    issues.length > 0 ? { resourceType: 'OperationOutcome', issue: issues } : allOk('Validation successful');
  return { status: 200, resource: outcome };
}
