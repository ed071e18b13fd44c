import { keyViews, relayActivity, shouldRecordRejection } from '../../../../src/forge/domain/connection';

const T0 = Date.parse('2026-11-23T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('relayActivity', () => {
  it('the newest accepted batch names the relay key; each key keeps its newest use', () => {
    const activity = relayActivity([
      { receivedAt: iso(T0), keyId: 'old', acceptedAt: iso(T0 + 1_000) },
      { receivedAt: iso(T0 + 5_000), keyId: 'new', acceptedAt: iso(T0 + 6_000) },
      { receivedAt: iso(T0 + 9_000) }, // Jira events and records from before key ids were kept
      undefined,
    ]);
    expect(activity.relayKeyId).toBe('new');
    expect(activity.lastAcceptedAt).toBe(iso(T0 + 6_000));
    expect(Object.fromEntries(activity.lastUsed)).toEqual({ old: iso(T0 + 1_000), new: iso(T0 + 6_000) });
    expect(keyViews([{ id: 'new', secret: 'x'.repeat(32), createdAt: iso(T0) }, { id: 'old', secret: 'y'.repeat(32) }, { id: 'spare', secret: 'z'.repeat(32) }], activity)).toEqual([
      { id: 'new', addedAt: iso(T0), lastUsedAt: iso(T0 + 6_000), inUseByRelay: true },
      { id: 'old', addedAt: null, lastUsedAt: iso(T0 + 1_000), inUseByRelay: false },
      { id: 'spare', addedAt: null, lastUsedAt: null, inUseByRelay: false },
    ]);
  });

  it('knows no relay key before any batch carried one', () => {
    expect(relayActivity([{ receivedAt: iso(T0) }])).toMatchObject({ relayKeyId: null, lastAcceptedAt: null });
  });
});

describe('shouldRecordRejection', () => {
  it.each<[string, { at: string } | undefined, number, boolean]>([
    ['nothing recorded yet', undefined, T0, true],
    ['the last one 59 s ago', { at: iso(T0 - 59_000) }, T0, false],
    ['the last one a minute ago', { at: iso(T0 - 60_000) }, T0, true],
    ['a record from the future (clock moved back)', { at: iso(T0 + 60_000) }, T0, true],
    ['an unreadable time', { at: 'never' }, T0, true],
  ])('%s', (_name, previous, now, expected) => {
    expect(shouldRecordRejection(previous && { ...previous, reason: 'bad-signature', keyId: null }, now)).toBe(expected);
  });
});
