/**
 * The word a delivery-log row wears. The backend's `outcome` is the record's kind, and an `applied` event may
 * have skipped every problem (nothing to do) or failed some: its `detail` lists one clause per problem, in
 * the backend's own words (describeProblemOutcome: "created OPS-1", "skipped because …", "failed: …").
 */
import type { DeliverySummary } from '../../../src/forge/entry/resolvers/contract';
import type { LozengeTone } from '../../shared/ui';

export type DeliveryVerdict = 'applied' | 'skipped' | 'failed' | 'partial' | 'rejected' | 'recorded';

export function verdictOf(d: Pick<DeliverySummary, 'outcome' | 'detail'>): DeliveryVerdict {
  switch (d.outcome) {
    case 'failed':
      return 'failed';
    case 'rejected':
      return 'rejected';
    case 'recorded':
      return 'recorded';
    case 'applied': {
      const clauses = d.detail.split('; ').filter((c) => c !== '');
      if (clauses.length === 0 || d.detail === 'nothing to do') return 'skipped';
      const failed = clauses.filter((c) => c.startsWith('failed:')).length;
      const skipped = clauses.filter((c) => c.startsWith('skipped because')).length;
      const done = clauses.length - failed - skipped;
      if (failed > 0) return done > 0 ? 'partial' : 'failed';
      return done > 0 ? 'applied' : 'skipped';
    }
    default:
      // An Impact incident event: its summary says what was synced.
      return 'applied';
  }
}

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
