/** The word a delivery-log row wears (verdictOf): a skipped event is never "applied", a mixed one is "partial". */
import { verdictOf, type DeliveryOutcome } from '../../../src/forge/delivery/delivery-record';

const created = { kind: 'created', problemKey: 'p1', issueKey: 'OPS-1' } as const;
const commented = { kind: 'commented', problemKey: 'p2', issueKey: 'OPS-2', transitioned: false } as const;
const skipped = { kind: 'skipped', problemKey: 'p3', reason: 'nothing changed' } as const;
const failed = { kind: 'failed', problemKey: 'p4', reason: 'HTTP 400' } as const;

test.each<[string, DeliveryOutcome, string]>([
  ['every problem written', { kind: 'applied', problems: [created, commented] }, 'applied'],
  ['written and skipped', { kind: 'applied', problems: [created, skipped] }, 'applied'],
  ['every problem skipped', { kind: 'applied', problems: [skipped, skipped] }, 'skipped'],
  ['no problem at all', { kind: 'applied', problems: [] }, 'skipped'],
  ['written and failed', { kind: 'applied', problems: [created, failed] }, 'partial'],
  ['failed and skipped only', { kind: 'applied', problems: [failed, skipped] }, 'failed'],
  ['given up', { kind: 'failed', reason: 'HTTP 400', problems: [] }, 'failed'],
  ['refused before processing', { kind: 'rejected', reason: 'bad body' }, 'rejected'],
  ['only recorded', { kind: 'recorded' }, 'recorded'],
  ['an incident event', { kind: 'incident', incidentId: 'INC-1', summary: 'created OPS-3' }, 'applied'],
])('%s: %s', (_name, outcome, verdict) => {
  expect(verdictOf(outcome)).toBe(verdict);
});
