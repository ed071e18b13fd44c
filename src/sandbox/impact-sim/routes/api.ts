/**
 * The contract's API (docs/impact-contract.md §2): Bearer auth, contract version header, zod on every body,
 * responses checked against the response schemas before they leave.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import {
  getIncidentResponseSchema,
  IMPACT_API_PREFIX,
  IMPACT_CONTRACT_VERSION,
  IMPACT_CONTRACT_VERSION_HEADER,
  ImpactApiRoutes,
  impactIncidentIdSchema,
  updateIncidentRequestSchema,
  updateIncidentResponseSchema,
  type ImpactUser,
} from '../../../shared/impact';
import type { ImpactApiClient } from '../auth';
import { ImpactApiFailure, invalidRequest, notFound, parseOrFail } from '../errors';
import { readJson, type ImpactSimEnv } from '../http';
import type { IncidentOps } from '../ops';
import type { IncidentPatch, ImpactStore } from '../store';
import { readIfMatch, requireVersion, setEtag } from '../versioning';

export interface ApiRouteDeps {
  readonly store: ImpactStore;
  readonly ops: IncidentOps;
  readonly now: () => number;
  readonly authenticate: (authorization: string | undefined) => ImpactApiClient | null;
}

/** A path id that is not a valid incident id cannot name an incident: 404, like any unknown id. */
export function incidentId(raw: string): string {
  if (!impactIncidentIdSchema.safeParse(raw).success) throw notFound(raw);
  return raw;
}

export function registerApiRoutes(app: Hono<ImpactSimEnv>, deps: ApiRouteDeps): void {
  const { store, ops } = deps;

  const guard: MiddlewareHandler<ImpactSimEnv> = async (c, next) => {
    const client = deps.authenticate(c.req.header('authorization'));
    if (!client) {
      throw new ImpactApiFailure('unauthorized', 'a valid Bearer token is required', undefined, { 'WWW-Authenticate': 'Bearer realm="impact"' });
    }
    c.set('client', client);
    const version = c.req.header(IMPACT_CONTRACT_VERSION_HEADER);
    if (version !== String(IMPACT_CONTRACT_VERSION)) {
      throw invalidRequest(`${IMPACT_CONTRACT_VERSION_HEADER} must be ${IMPACT_CONTRACT_VERSION}`, [
        { path: `headers.${IMPACT_CONTRACT_VERSION_HEADER}`, message: version === undefined ? 'missing' : `unsupported version ${version}` },
      ]);
    }
    await next();
  };
  app.use(`${IMPACT_API_PREFIX}/*`, guard);

  app.get(ImpactApiRoutes.incident, (c) => {
    const id = incidentId(c.req.param('id'));
    const incident = store.get(id);
    if (!incident) throw notFound(id);
    setEtag(c, incident.version);
    return c.json(getIncidentResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, incident }), 200);
  });

  app.patch(ImpactApiRoutes.incident, async (c) => {
    const id = incidentId(c.req.param('id'));
    const ifMatch = readIfMatch(c);
    const body = parseOrFail(updateIncidentRequestSchema, await readJson(c), 'update request');
    // From here to ops.update nothing awaits: the version checked is the version written over.
    const current = store.get(id);
    if (!current) throw notFound(id);
    requireVersion(ifMatch, `incident ${id}`, current.version);
    const { changes } = body;
    const patch: IncidentPatch = {
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.commander !== undefined ? { commander: changes.commander === null ? null : commanderByEmail(store, changes.commander.email) } : {}),
    };
    const origin = { type: 'api', client: c.get('client').client, marker: body.origin } as const;
    const result = ops.update(id, patch, origin, body.comment ?? null);
    setEtag(c, result.incident.version);
    return c.json(updateIncidentResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, incident: result.incident }), 200);
  });
}

/** Impact names commanders (and assignees) by email; only people it knows qualify. */
export function commanderByEmail(store: ImpactStore, email: string, path = 'changes.commander.email', what = 'commander'): ImpactUser {
  const user = store.userByEmail(email);
  if (!user) throw invalidRequest(`unknown ${what}`, [{ path, message: `no Impact user with email ${email}` }]);
  return user;
}
