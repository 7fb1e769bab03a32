/**
 * The one table of FHIR routes (STYLE.md habit 5): each entry says which method and path it
 * serves, which handler runs, and what it contributes to the CapabilityStatement. The router and
 * `/metadata` are both generated from it, so `/metadata` cannot list an interaction that is not
 * routed, nor miss one that is. https://hl7.org/fhir/R4/http.html (summary table)
 */
import { buildCapabilityStatement } from './interactions/capabilities';
import type { CapabilityOptions, RouteCapability } from './interactions/capabilities';
import { createBundleHandler } from './interactions/bundle-post';
import { createHandler } from './interactions/create';
import { conditionalDeleteHandler, deleteHandler } from './interactions/delete';
import { historyHandler } from './interactions/history';
import { patchHandler } from './interactions/patch';
import { readHandler } from './interactions/read';
import { searchHandler } from './interactions/search';
import { conditionalUpdateHandler, updateHandler } from './interactions/update';
import { vreadHandler } from './interactions/vread';
import { validateHandler, validateOperation } from './operations/validate';
import type { RouteSpec, Router } from './router';
import { createRouter } from './router';
import type { FhirHandler } from './types';

/** A route of the FHIR API. */
export type FhirRoute = RouteSpec<RouteCapability>;

const capabilitiesCache = new Map<string, string>();

const metadataHandler: FhirHandler = async (_req, ctx) => {
  const key = `${ctx.baseUrl} ${ctx.auth}`;
  let json = capabilitiesCache.get(key);
  if (json === undefined) {
    const options: CapabilityOptions = {
      baseUrl: ctx.baseUrl,
      auth: ctx.auth,
      version: process.env.npm_package_version,
    };
    json = JSON.stringify(
      buildCapabilityStatement(
        fhirRoutes.map((r) => r.capability),
        options,
      ),
    );
    capabilitiesCache.set(key, json);
  }
  return { status: 200, json };
};

const compartment = 'http://hl7.org/fhir/CompartmentDefinition/patient';

/** Every FHIR route. Order does not matter: the most specific pattern wins (see router.ts). */
export const fhirRoutes: readonly FhirRoute[] = [
  {
    method: 'GET',
    pattern: 'metadata',
    interaction: 'capabilities',
    handler: metadataHandler,
    capability: { kind: 'capabilities' },
  },
  {
    method: 'POST',
    pattern: '',
    interaction: 'transaction',
    handler: createBundleHandler((req, ctx) => fhirRouter.handle(req, ctx)),
    capability: { kind: 'system', codes: ['transaction', 'batch'] },
  },
  {
    method: 'GET',
    pattern: '',
    interaction: 'search-system',
    handler: searchHandler,
    capability: { kind: 'system', codes: ['search-system'] },
  },
  {
    method: 'GET',
    pattern: '_history',
    interaction: 'history-system',
    handler: historyHandler,
    capability: { kind: 'system', codes: ['history-system'] },
  },
  {
    method: 'GET',
    pattern: ':type',
    interaction: 'search-type',
    handler: searchHandler,
    capability: { kind: 'type', code: 'search-type' },
  },
  {
    method: 'POST',
    pattern: ':type/_search',
    interaction: 'search-type',
    handler: searchHandler,
    capability: { kind: 'type', code: 'search-type' },
  },
  {
    method: 'POST',
    pattern: ':type',
    interaction: 'create',
    handler: createHandler,
    capability: { kind: 'type', code: 'create', conditional: 'create' },
  },
  {
    method: 'PUT',
    pattern: ':type',
    interaction: 'conditional-update',
    handler: conditionalUpdateHandler,
    capability: { kind: 'type', code: 'update', conditional: 'update' },
  },
  {
    method: 'DELETE',
    pattern: ':type',
    interaction: 'conditional-delete',
    handler: conditionalDeleteHandler,
    capability: { kind: 'type', code: 'delete', conditional: 'delete' },
  },
  {
    method: 'GET',
    pattern: ':type/_history',
    interaction: 'history-type',
    handler: historyHandler,
    capability: { kind: 'type', code: 'history-type' },
  },
  {
    method: 'POST',
    pattern: ':type/$validate',
    interaction: 'operation:validate',
    handler: validateHandler,
    capability: { kind: 'operation', definition: validateOperation },
  },
  {
    method: 'GET',
    pattern: ':type/:id',
    interaction: 'read',
    handler: readHandler,
    capability: { kind: 'type', code: 'read' },
  },
  {
    method: 'PUT',
    pattern: ':type/:id',
    interaction: 'update',
    handler: updateHandler,
    capability: { kind: 'type', code: 'update' },
  },
  {
    method: 'PATCH',
    pattern: ':type/:id',
    interaction: 'patch',
    handler: patchHandler,
    capability: { kind: 'type', code: 'patch' },
  },
  {
    method: 'DELETE',
    pattern: ':type/:id',
    interaction: 'delete',
    handler: deleteHandler,
    capability: { kind: 'type', code: 'delete' },
  },
  {
    method: 'GET',
    pattern: ':type/:id/_history',
    interaction: 'history-instance',
    handler: historyHandler,
    capability: { kind: 'type', code: 'history-instance' },
  },
  {
    method: 'POST',
    pattern: ':type/:id/$validate',
    interaction: 'operation:validate',
    handler: validateHandler,
    capability: { kind: 'operation', definition: validateOperation },
  },
  {
    method: 'GET',
    pattern: ':type/:id/_history/:vid',
    interaction: 'vread',
    handler: vreadHandler,
    capability: { kind: 'type', code: 'vread' },
  },
  {
    method: 'GET',
    pattern: 'Patient/:id/:targetType',
    interaction: 'search-compartment',
    handler: searchHandler,
    capability: { kind: 'compartment', compartment },
  },
];

/** The router compiled from `fhirRoutes`. */
export const fhirRouter: Router<RouteCapability> = createRouter(fhirRoutes);
