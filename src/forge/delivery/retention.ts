/**
 * How long delivery-log lines live: Forge variable `BRIDGE_DELIVERY_LOG_RETENTION_DAYS` (whole days, 1–365;
 * default 30), applied as the Forge KVS `ttl` of each line and its index entries (FORGE-NOTES §4: set takes
 * `ttl {value, unit}`), so the platform deletes old lines and reading never has to skip them.
 */
export const DELIVERY_LOG_RETENTION_ENV = 'BRIDGE_DELIVERY_LOG_RETENTION_DAYS';
export const DEFAULT_DELIVERY_LOG_RETENTION_DAYS = 30;
export const MAX_DELIVERY_LOG_RETENTION_DAYS = 365;

export type RetentionSetting = { readonly ok: true; readonly days: number } | { readonly ok: false; readonly days: number; readonly problem: string };

/** Reads the setting; a bad value falls back to the default and says why (the caller logs it). */
export function deliveryLogRetention(env: NodeJS.ProcessEnv | undefined): RetentionSetting {
  const raw = env?.[DELIVERY_LOG_RETENTION_ENV]?.trim();
  if (raw === undefined || raw === '') return { ok: true, days: DEFAULT_DELIVERY_LOG_RETENTION_DAYS };
  const days = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DELIVERY_LOG_RETENTION_DAYS) {
    return { ok: false, days: DEFAULT_DELIVERY_LOG_RETENTION_DAYS, problem: `${DELIVERY_LOG_RETENTION_ENV}=${JSON.stringify(raw)} is not a whole number of days from 1 to ${MAX_DELIVERY_LOG_RETENTION_DAYS}; using ${DEFAULT_DELIVERY_LOG_RETENTION_DAYS}` };
  }
  return { ok: true, days };
}

export function retentionSecondsFrom(env: NodeJS.ProcessEnv | undefined): number {
  return deliveryLogRetention(env).days * 86_400;
}
