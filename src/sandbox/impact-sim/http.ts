/** Shared pieces of the HTTP layer: the Hono env, JSON bodies, and route templates for the call log. */
import type { Context } from 'hono';
import { ImpactApiRoutes, ImpactDirectoryRoutes } from '../../shared/impact';
import type { ImpactApiClient } from './auth';
import { invalidRequest } from './errors';

export interface ImpactSimEnv {
  Variables: { client: ImpactApiClient };
}

/** Reads an `application/json` body; a wrong type or bad JSON is a contract 422. */
export async function readJson(c: Context<ImpactSimEnv>): Promise<unknown> {
  const mediaType = c.req.header('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw invalidRequest('content-type must be application/json', [{ path: 'headers.content-type', message: 'expected application/json' }]);
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest('body is not valid JSON');
  }
}

export const ADMIN_PREFIX = '/admin';

/** Admin route templates (simulator-only, not part of the contract). */
export const ImpactAdminRoutes = {
  incidents: `${ADMIN_PREFIX}/incidents`,
  incident: `${ADMIN_PREFIX}/incidents/:id`,
  keyEvents: `${ADMIN_PREFIX}/incidents/:id/key-events`,
  notes: `${ADMIN_PREFIX}/incidents/:id/notes`,
  note: `${ADMIN_PREFIX}/incidents/:id/notes/:noteId`,
  followUps: `${ADMIN_PREFIX}/incidents/:id/follow-ups`,
  followUp: `${ADMIN_PREFIX}/incidents/:id/follow-ups/:followUpId`,
  users: `${ADMIN_PREFIX}/users`,
  webhooks: `${ADMIN_PREFIX}/webhooks`,
  redeliver: `${ADMIN_PREFIX}/webhooks/:eventId/redeliver`,
} as const;

const TEMPLATES = [...Object.values(ImpactApiRoutes), ...Object.values(ImpactDirectoryRoutes), ...Object.values(ImpactAdminRoutes)].map((template) => ({
  template,
  regex: new RegExp(`^${template.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`),
}));

/** The template a path matches, for grouping the call log; the path itself when none does. */
export function routeTemplate(path: string): string {
  return TEMPLATES.find((t) => t.regex.test(path))?.template ?? path;
}
