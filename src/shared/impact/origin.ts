import { z } from 'zod';

/**
 * The origin marker an API client sends with every write; Impact copies it into `origin.marker` of the
 * webhook that write causes (and into the note it creates), so the client can drop its own echo.
 */
export const originMarkerSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'origin must be 1-128 characters of [A-Za-z0-9_.:-]');
