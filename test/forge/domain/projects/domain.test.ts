import { buildSyncJql, formatJqlDate, discoverSiteFields, decideFailure, isSyncDue, percentile, mapIssue, type FieldInfo } from '../../../../src/forge/domain/projects';

describe('sync JQL', () => {
  it('renders the window start in the user time zone, minus the lookback, floored to the minute', () => {
    const since = Date.UTC(2026, 0, 15, 23, 40, 59);
    expect(formatJqlDate(since, 'UTC')).toBe('2026-01-15 23:40');
    expect(formatJqlDate(since, 'Australia/Sydney')).toBe('2026-01-16 10:40');
    expect(formatJqlDate(since, 'America/Los_Angeles')).toBe('2026-01-15 15:40');
    expect(buildSyncJql({ projectKey: 'OPS', sinceMs: since, lookbackMs: 15 * 60_000, timeZone: 'Europe/Paris' })).toBe('project = "OPS" AND updated >= "2026-01-16 00:25" ORDER BY updated ASC');
    expect(buildSyncJql({ projectKey: 'OPS', sinceMs: undefined, lookbackMs: 0, timeZone: 'UTC' })).toBe('project = "OPS" ORDER BY updated ASC');
  });
});

describe('field discovery', () => {
  const f = (id: string, name: string, schemaCustom?: string, schemaType = 'number'): FieldInfo => ({ id, name, custom: true, schemaCustom, schemaType });
  it('prefers the override, then the story points schema, then the name', () => {
    const fields = [f('customfield_10004', 'Story Points', 'com.atlassian.jira.plugin.system.customfieldtypes:float'), f('customfield_10016', 'Story point estimate', 'com.pyxis.greenhopper.jira:jsw-story-points'), f('customfield_10020', 'Sprint', 'com.pyxis.greenhopper.jira:gh-sprint', 'array')];
    expect(discoverSiteFields(fields)).toEqual({ storyPoints: 'customfield_10016', sprint: 'customfield_10020' });
    expect(discoverSiteFields(fields, { storyPoints: 'customfield_10004' }).storyPoints).toBe('customfield_10004');
    expect(discoverSiteFields([f('customfield_10034', 'Story Points')]).storyPoints).toBe('customfield_10034');
  });
});

describe('error table', () => {
  it('maps 401/403 to stop, 404 to untrack, 429 to Retry-After', () => {
    expect(decideFailure({ kind: 'rejected', status: 401, jiraMessages: [] }, 0, false).kind).toBe('stop');
    expect(decideFailure({ kind: 'rejected', status: 403, jiraMessages: [] }, 0, false).kind).toBe('stop');
    expect(decideFailure({ kind: 'not-found', message: 'gone' }, 0, false).kind).toBe('untrack');
    expect(decideFailure({ kind: 'rate-limited', retryAfterSeconds: 37 }, 0, false)).toEqual({ kind: 'retry', afterSeconds: 37, rateLimited: true });
    expect(decideFailure({ kind: 'rejected', status: 400, jiraMessages: ['The provided next page token is invalid or expired.'] }, 0, true).kind).toBe('restart-query');
  });
});

describe('schedule and metrics helpers', () => {
  it('skips hourly runs until the configured interval passed', () => {
    const h = 3_600_000;
    expect(isSyncDue(undefined, 24, 0)).toBe(true);
    expect(isSyncDue(0, 24, 5 * h)).toBe(false);
    expect(isSyncDue(0, 24, 24 * h)).toBe(true);
    expect(isSyncDue(0, 1, h - 60_000)).toBe(true);
  });
  it('nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 85)).toBe(9);
    expect(percentile([], 50)).toBeUndefined();
  });
  it('maps cycle time from the first move into an In Progress status, with offsets read', () => {
    const raw = {
      id: '1', key: 'A-1',
      fields: { summary: 's', status: { id: '3', name: 'Done', statusCategory: { key: 'done' } }, created: '2026-01-01T00:00:00.000+0100', updated: '2026-01-03T00:00:00.000+0000', resolutiondate: '2026-01-02T12:00:00.000+0000' },
      changelog: { histories: [{ created: '2026-01-02T00:00:00.000+0000', items: [{ field: 'status', to: '2' }] }, { created: '2026-01-02T06:00:00.000+0000', items: [{ field: 'status', to: '2' }] }] },
    };
    const m = mapIssue(raw, { storyPoints: undefined, sprint: undefined }, new Map([['2', 'indeterminate' as const]]));
    expect(m.ok && m.issue.cycleTimeHours).toBe(12);
    expect(m.ok && m.issue.createdMs).toBe(Date.UTC(2025, 11, 31, 23));
  });
});
