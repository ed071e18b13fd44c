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
  postNoteRequestSchema,
  postNoteResponseSchema,
  updateIncidentRequestSchema,
  updateIncidentResponseSchema,
  type ImpactUser,
} from '../../../shared/impact';
import type { ImpactApiClient } from '../auth';
import { ImpactApiFailure, invalidRequest, notFound, parseOrFail } from '../errors';
import { readJson, type ImpactSimEnv } from '../http';
import type { IncidentOps } from '../ops';
import type { IncidentPatch, ImpactStore } from '../store';

export interface ApiRouteDeps {
  readonly store: ImpactStore;
  readonly ops: IncidentOps;
  readonly now: () => number;
  readonly authenticate: (authorization: string | undefined) => ImpactApiClient | null;
}

/** A path id that is not a valid incident id cannot name an incident: 404, like any unknown id. */
function incidentId(raw: string): string {
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
    return c.json(getIncidentResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, incident }), 200);
  });

  app.patch(ImpactApiRoutes.incident, async (c) => {
    const id = incidentId(c.req.param('id'));
    const body = parseOrFail(updateIncidentRequestSchema, await readJson(c), 'update request');
    if (!store.has(id)) throw notFound(id);
    const { changes } = body;
    const patch: IncidentPatch = {
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.commander !== undefined ? { commander: changes.commander === null ? null : commanderByEmail(store, changes.commander.email) } : {}),
    };
    const origin = { type: 'api', client: c.get('client').client, marker: body.origin } as const;
    const result = ops.update(id, patch, origin, body.comment ?? null);
    return c.json(updateIncidentResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, incident: result.incident }), 200);
  });

  app.post(ImpactApiRoutes.notes, async (c) => {
    const id = incidentId(c.req.param('id'));
    const body = parseOrFail(postNoteRequestSchema, await readJson(c), 'note');
    if (!store.has(id)) throw notFound(id);
    const note = store.addNote(id, body.message, body.origin, new Date(deps.now()).toISOString());
    return c.json(postNoteResponseSchema.parse({ note }), 201);
  });
}

/** Impact names commanders by email; only people it knows can command. */
function commanderByEmail(store: ImpactStore, email: string): ImpactUser {
  const user = store.userByEmail(email);
  if (!user) throw invalidRequest('unknown commander', [{ path: 'changes.commander.email', message: `no Impact user with email ${email}` }]);
  return user;
}
