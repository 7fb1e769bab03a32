/**
 * The transport-free FHIR router: (method, path) -> handler, compiled once from the route table
 * in registry.ts (the same table generates the CapabilityStatement). Path patterns use `:type`,
 * `:id`, `:vid` and `:targetType` placeholders; a placeholder never matches a segment starting
 * with `_` or `$`, which are reserved for literal segments (`_history`, `_search`, `$validate`),
 * so no two patterns overlap (`:targetType` also matches `*`, for `Patient/[id]/*`). Path parameters are validated after matching:
 * unknown type -> 404 TESSERA_E_FHIR_UNKNOWN_TYPE, bad id -> 400 TESSERA_E_FHIR_INVALID_ID
 * (https://hl7.org/fhir/R4/datatypes.html#id); a known path with another method -> 405.
 */
import { isKnownResourceType } from '../definitions/fhir-definitions';
import { fhirError } from '../errors/outcome';
import { isValidId } from './body';
import type { FhirContext, FhirHandler, FhirMethod, FhirRequest, FhirResult, PathParams } from './types';

/** One route: method + pattern -> handler, plus what it means for the CapabilityStatement. */
export interface RouteSpec<C = unknown> {
  readonly method: Exclude<FhirMethod, 'HEAD'>;
  /** Path below the FHIR base, e.g. `:type/:id/_history/:vid`; `` is the base itself. */
  readonly pattern: string;
  /** A short name for metrics and logs (`read`, `search-type`, `operation:validate`...). */
  readonly interaction: string;
  readonly handler: FhirHandler;
  /** Capability metadata (see registry.ts). */
  readonly capability: C;
}

/** The result of matching a path. */
export interface RouteMatch<C = unknown> {
  readonly route: RouteSpec<C>;
  readonly pathParams: PathParams;
}

interface CompiledRoute<C> {
  readonly spec: RouteSpec<C>;
  readonly regex: RegExp;
  readonly names: readonly (keyof PathParams)[];
  /** A literal resource type in the first segment (`Patient/:id/:targetType`). */
  readonly fixedType?: string;
}

const placeholder = '([^/_$][^/]*)';

function compile<C>(spec: RouteSpec<C>): CompiledRoute<C> {
  const names: (keyof PathParams)[] = [];
  const source = spec.pattern
    .split('/')
    .filter((s) => s !== '')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1) as keyof PathParams);
        return placeholder;
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const first = spec.pattern.split('/')[0] ?? '';
  const fixedType = /^[A-Z]/.test(first) ? first : undefined;
  return { spec, regex: new RegExp(`^${source}$`), names, fixedType };
}

function checkPathParams(params: PathParams): void {
  for (const type of [params.type, params.targetType]) {
    if (type !== undefined && type !== '*' && !isKnownResourceType(type)) {
      throw fhirError('TESSERA_E_FHIR_UNKNOWN_TYPE', `Unknown resource type "${type}"`);
    }
  }
  for (const id of [params.id, params.vid]) {
    if (id !== undefined && !isValidId(id)) {
      throw fhirError('TESSERA_E_FHIR_INVALID_ID', `Invalid logical id "${id}"`);
    }
  }
}

/** A compiled route table. */
export interface Router<C = unknown> {
  /** The routes, in table order. */
  readonly routes: readonly RouteSpec<C>[];
  /**
   * Finds the route for a request; HEAD is routed like GET.
   * @throws FhirError 404 (no such path / unknown type), 405 (method), 400 (invalid id).
   */
  match(method: FhirMethod, path: string): RouteMatch<C>;
  /** Matches and runs the handler. */
  handle(req: FhirRequest, ctx: FhirContext): Promise<FhirResult>;
}

/**
 * Compiles a route table.
 * @param routes - the routes; patterns must not overlap (see the header comment).
 */
export function createRouter<C>(routes: readonly RouteSpec<C>[]): Router<C> {
  const compiled = routes.map(compile);
  const match = (method: FhirMethod, path: string): RouteMatch<C> => {
    const effective = method === 'HEAD' ? 'GET' : method;
    let pathMatched = false;
    for (const route of compiled) {
      const m = route.regex.exec(path);
      if (m === null) {
        continue;
      }
      pathMatched = true;
      if (route.spec.method !== effective) {
        continue;
      }
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = m[i + 1] ?? '';
      });
      if (route.fixedType !== undefined) {
        pathParams.type = route.fixedType;
      }
      checkPathParams(pathParams);
      return { route: route.spec, pathParams };
    }
    if (pathMatched) {
      throw fhirError('TESSERA_E_HTTP_METHOD_NOT_ALLOWED', `${method} is not allowed on /fhir/${path}`);
    }
    throw fhirError('TESSERA_E_FHIR_NOT_FOUND', `No FHIR endpoint at /fhir/${path}`);
  };
  return {
    routes,
    match,
    handle: async (req, ctx) => {
      const { route, pathParams } = match(req.method, req.path);
      return route.handler({ ...req, pathParams }, ctx);
    },
  };
}
