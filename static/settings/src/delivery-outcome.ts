/** How a delivery-log row's verdict (decided by the backend: delivery-record verdictOf) looks. */
import type { DeliveryVerdict } from '../../../src/forge/delivery/delivery-record';
import type { LozengeTone } from '../../shared/tones';

export type { DeliveryVerdict };

export const VERDICT_TONE: Record<DeliveryVerdict, LozengeTone> = {
  applied: 'success',
  skipped: 'default',
  failed: 'removed',
  partial: 'moved',
  rejected: 'removed',
  recorded: 'inprogress',
};

/** Splits text around Jira issue keys ("created OPS-12"), so each key can be a link. */
export function splitIssueKeys(text: string): ({ readonly key: string } | { readonly text: string })[] {
  const parts: ({ key: string } | { text: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(/\b[A-Z][A-Z0-9_]{1,9}-\d+\b/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ key: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/**
 * An Alertmanager group key for people: `{}:{alertname="HighErrorRate", cluster="prod-eu"}` reads as
 * `alertname=HighErrorRate · cluster=prod-eu` (the route's matchers, `{}` for the root route, are dropped).
 * Anything else (an Impact group, a fingerprint) is shown as it is.
 */
export function groupLabel(groupKey: string): string {
  const match = /^\{[^}]*\}(?:\/\{[^}]*\})*:\{(.*)\}$/.exec(groupKey);
  if (!match?.[1]) return groupKey;
  const pairs = [...match[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => `${m[1]}=${m[2]}`);
  return pairs.length > 0 ? pairs.join(' · ') : groupKey;
}
