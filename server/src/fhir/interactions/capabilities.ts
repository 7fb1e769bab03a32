/**
 * capabilities: `GET [base]/metadata`, https://hl7.org/fhir/R4/http.html#capabilities and
 * https://hl7.org/fhir/R4/capabilitystatement.html. The statement is generated from the route
 * table (registry.ts), so it lists exactly the interactions and operations that are routed, plus
 * every R4 resource type with its SearchParameters. Built once per base URL and cached as JSON.
 */
import type {
  CapabilityStatement,
  CapabilityStatementRest,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceOperation,
  CapabilityStatementRestResourceSearchParam,
  OperationDefinition,
} from '@medplum/fhirtypes';
import { getResourceTypes, getSearchParametersFor } from '../../definitions/fhir-definitions';

/** What a route contributes to the CapabilityStatement. */
export type RouteCapability =
  | { readonly kind: 'capabilities' }
  | {
      readonly kind: 'type';
      readonly code: NonNullable<CapabilityStatementRestResource['interaction']>[number]['code'];
      /** The route is the conditional form of the interaction. */
      readonly conditional?: 'create' | 'update' | 'delete';
    }
  | {
      readonly kind: 'system';
      readonly codes: readonly ('transaction' | 'batch' | 'search-system' | 'history-system')[];
    }
  | { readonly kind: 'operation'; readonly definition: OperationDefinition }
  | { readonly kind: 'compartment'; readonly compartment: string };

/** Options that are not derived from the routes. */
export interface CapabilityOptions {
  /** The public base URL (implementation.url is `<baseUrl>/fhir`). */
  readonly baseUrl: string;
  readonly auth: 'smart' | 'off';
  /** The server version (software.version). */
  readonly version?: string;
}

const unsupportedSearch = ['_text', '_content', '_filter', '_query', '_list'];

function searchParams(type: string): CapabilityStatementRestResourceSearchParam[] {
  return Object.values(getSearchParametersFor(type))
    .filter((sp) => sp.code !== undefined && !unsupportedSearch.includes(sp.code))
    .map((sp) => ({ name: sp.code ?? '', definition: sp.url, type: sp.type, documentation: sp.description }));
}

/** `_include` values per type and `_revinclude` values per target type, from reference parameters. */
function includes(types: readonly string[]): { include: Map<string, string[]>; revinclude: Map<string, string[]> } {
  const include = new Map<string, string[]>();
  const revinclude = new Map<string, string[]>();
  for (const type of types) {
    for (const sp of Object.values(getSearchParametersFor(type))) {
      if (sp.type !== 'reference' || sp.code === undefined) {
        continue;
      }
      const value = `${type}:${sp.code}`;
      include.set(type, [...(include.get(type) ?? []), value]);
      for (const target of sp.target ?? types) {
        revinclude.set(target, [...(revinclude.get(target) ?? []), value]);
      }
    }
  }
  return { include, revinclude };
}

/**
 * Generates the CapabilityStatement from the route capabilities.
 * @param capabilities - the `capability` of every route in the registry.
 * @param options - base URL, auth mode, version.
 */
export function buildCapabilityStatement(
  capabilities: readonly RouteCapability[],
  options: CapabilityOptions,
): CapabilityStatement {
  const typeCodes = new Set<string>();
  const conditional = new Set<string>();
  const systemCodes = new Set<string>();
  const operations = new Map<string, OperationDefinition>();
  const compartments = new Set<string>();
  for (const c of capabilities) {
    if (c.kind === 'type') {
      typeCodes.add(c.code);
      if (c.conditional !== undefined) {
        conditional.add(c.conditional);
      }
    } else if (c.kind === 'system') {
      c.codes.forEach((code) => systemCodes.add(code));
    } else if (c.kind === 'operation') {
      operations.set(c.definition.code ?? '', c.definition);
    } else if (c.kind === 'compartment') {
      compartments.add(c.compartment);
    }
  }
  const interaction = [...typeCodes].map((code) => ({ code })) as CapabilityStatementRestResource['interaction'];
  const operation: CapabilityStatementRestResourceOperation[] = [...operations.values()].map((d) => ({
    name: d.code ?? '',
    definition: d.url ?? '',
  }));
  const types = getResourceTypes();
  const { include, revinclude } = includes(types);
  const resource = types.map((type) => ({
    type: type as CapabilityStatementRestResource['type'],
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    interaction,
    versioning: 'versioned',
    readHistory: typeCodes.has('vread'),
    updateCreate: typeCodes.has('update'),
    conditionalCreate: conditional.has('create'),
    conditionalRead: 'not-supported',
    conditionalUpdate: conditional.has('update'),
    conditionalDelete: conditional.has('delete') ? 'single' : 'not-supported',
    referencePolicy: ['literal', 'local'],
    searchInclude: ['*', ...(include.get(type) ?? [])],
    searchRevInclude: revinclude.get(type) ?? [],
    searchParam: searchParams(type),
    operation,
  })) satisfies CapabilityStatementRestResource[];
  const rest: CapabilityStatementRest = {
    mode: 'server',
    documentation:
      `Search parameters ${unsupportedSearch.join(', ')} are not supported. ` +
      'Paging uses opaque _cursor tokens in the next/previous links.',
    resource,
    interaction: [...systemCodes].map((code) => ({ code })) as CapabilityStatementRest['interaction'],
    compartment: compartments.size > 0 ? [...compartments] : undefined,
  };
  if (options.auth === 'smart') {
    rest.security = {
      service: [
        {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }],
        },
      ],
      description:
        'Requests need `Authorization: Bearer <token>`: SMART Backend Services access tokens, or the static ' +
        'admin API token (TESSERA_API_TOKEN, else generated into the data directory). /metadata is public.',
    };
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'Tessera', version: options.version },
    implementation: { description: 'Tessera FHIR R4 server', url: `${options.baseUrl}/fhir` },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [rest],
  };
}
