/**
 * The transport-free FHIR router: (method, path) -> handler, compiled once from the route table
 * in registry.ts (the same table generates the CapabilityStatement). Path patterns use `:type`,
 * `:id`, `:vid` and `:targetType` placeholders; a placeholder never matches a segment starting
 * with `_` or `$`, which are reserved for literal segments (`_history`, `_search`, `$validate`),
 * and where two patterns match a path the one with more literal segments wins (`metadata` over
 * `:type`); `:targetType` also matches `*`, for `Patient/[id]/*`. Path parameters are validated
 * after matching: unknown type -> 404 TESSERA_E_FHIR_UNKNOWN_TYPE, bad id -> 400
 * TESSERA_E_FHIR_INVALID_ID (https://hl7.org/fhir/R4/datatypes.html#id); a known path with another
 * method -> 405.
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
  /** How many literal segments the pattern has: the most specific matching pattern wins (`metadata` over `:type`). */
  readonly literals: number;
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
  const literals = spec.pattern.split('/').filter((seg) => seg !== '' && !seg.startsWith(':')).length;
  return { spec, regex: new RegExp(`^${source}$`), names, literals, fixedType };
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
    let best = -1;
    let found: { route: CompiledRoute<C>; m: RegExpExecArray } | undefined;
    for (const route of compiled) {
      if (route.literals < best) {
        continue;
      }
      const m = route.regex.exec(path);
      if (m === null) {
        continue;
      }
      if (route.literals > best) {
        best = route.literals;
        found = undefined;
      }
      if (route.spec.method === effective) {
        found = { route, m };
      }
    }
    if (found === undefined) {
      if (best >= 0) {
        throw fhirError('TESSERA_E_HTTP_METHOD_NOT_ALLOWED', `${method} is not allowed on /fhir/${path}`);
      }
      throw fhirError('TESSERA_E_FHIR_NOT_FOUND', `No FHIR endpoint at /fhir/${path}`);
    }
    const { route, m } = found;
    const pathParams: Record<string, string> = {};
    route.names.forEach((name, i) => {
      pathParams[name] = m[i + 1] ?? '';
    });
    if (route.fixedType !== undefined) {
      pathParams.type = route.fixedType;
    }
    checkPathParams(pathParams);
    return { route: route.spec, pathParams };
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
