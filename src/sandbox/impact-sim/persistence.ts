/**
 * Keeps an Impact simulator's state in SQLite (see ../shared/sim-database): the store (incidents, people,
 * notes, the change feed, id counters), the webhook deliveries and the clock offset, as documents rewritten after
 * every write request and every delivery state change (the state is small: a document per concern is simpler
 * than rows and costs little). Deliveries still queued or in flight when the simulator stopped are sent again
 * after a restart with their event_id (the relay drops a redelivery it already has), so none is lost.
 * Not kept: the call log and active faults.
 */
import type { ImpactSimulator } from './app';
import type { ImpactStoreSnapshot } from './store';
import type { NoteBookSnapshot } from './notes';
import type { FollowUpBoardSnapshot } from './follow-ups';
import type { WebhookSnapshot } from './webhooks';
import { openSimDatabase, SimDocuments } from '../shared/sim-database';

interface ImpactDocument {
  readonly version: 1;
  readonly store: ImpactStoreSnapshot;
  /** Absent in a state saved before notes and follow-ups existed. */
  readonly notes?: NoteBookSnapshot;
  readonly followUps?: FollowUpBoardSnapshot;
  readonly clockOffsetMs: number;
}

export interface PersistentImpactSimulator {
  /** True when the database held a state, which is now the simulator's. */
  readonly restored: boolean;
  flush(): void;
  close(): void;
}

/** Loads what `path` holds into `sim` (before any webhook is queued) and commits every later change. */
export function persistImpactSimulator(sim: ImpactSimulator, path: string): PersistentImpactSimulator {
  const docs = new SimDocuments(openSimDatabase(path));
  const saved = docs.document<ImpactDocument>('state');
  const webhooks = docs.document<WebhookSnapshot>('webhooks');
  if (saved !== undefined) {
    if (saved.version !== 1) throw new Error(`${path}: unknown impact-sim state version ${String(saved.version)}`);
    sim.store.restore(saved.store);
    if (saved.notes) sim.notes.restore(saved.notes);
    if (saved.followUps) sim.followUps.restore(saved.followUps);
    sim.clock.setOffset(saved.clockOffsetMs);
  }
  if (webhooks !== undefined) sim.webhooks.restore(webhooks);

  let open = true;
  const flush = (): void => {
    if (!open) return;
    docs.transaction(() => {
      docs.setDocument('state', { version: 1, store: sim.store.snapshot(), notes: sim.notes.snapshot(), followUps: sim.followUps.snapshot(), clockOffsetMs: sim.clock.offsetMs } satisfies ImpactDocument);
      docs.setDocument('webhooks', sim.webhooks.snapshot());
    });
  };
  const stopWebhooks = sim.webhooks.onChange(flush);
  const stopRequests = sim.onMutation(flush);
  return {
    restored: saved !== undefined,
    flush,
    close() {
      if (!open) return;
      flush();
      open = false;
      stopWebhooks();
      stopRequests();
      docs.close();
    },
  };
}
