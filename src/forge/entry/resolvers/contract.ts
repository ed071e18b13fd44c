/**
 * The typed contract between the Custom UI pages (static/) and the resolver function. Both sides
 * import this type; @forge/resolver's `makeResolver<ResolverDefinitions>` checks the backend against it
 * and @forge/bridge's typed `makeInvoke` (or our shim) checks the frontend. Secrets never appear here:
 * only whether they are set.
 */
export interface ConnectionStatus {
  readonly webTriggerUrl: string | null;
  readonly signingKeys: { readonly configured: boolean; readonly keyIds: readonly string[] };
  readonly lastReceived: Readonly<Record<'alertmanager' | 'impact' | 'jira', string | null>>;
  readonly lastScheduledRun: string | null;
}

export interface DeliverySummary {
  readonly eventId: string;
  readonly source: string;
  readonly groupKey: string;
  readonly receivedAt: string;
  readonly outcome: string;
}

export interface RecentDeliveries {
  readonly items: readonly DeliverySummary[];
  readonly nextCursor: string | null;
}

export type ResolverDefinitions = {
  getConnectionStatus: () => ConnectionStatus;
  listRecentDeliveries: (input: { cursor?: string; limit?: number }) => RecentDeliveries;
};
