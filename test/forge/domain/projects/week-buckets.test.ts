import fc from 'fast-check';
import { localWeekStart, weeksBetween } from '../../../../src/forge/domain/projects/week-buckets';

const ZONES = ['UTC', 'Europe/Paris', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Auckland', 'Australia/Lord_Howe'] as const;

describe('weeks in the site time zone', () => {
  it.each([
    ['UTC', '2026-11-23T00:00:00Z', '2026-11-23'],
    ['UTC', '2026-11-22T23:59:59Z', '2026-11-16'],
    // Sunday 23:30 UTC is Monday 01:30 in Paris, the day summer time starts.
    ['Europe/Paris', '2026-03-29T23:30:00Z', '2026-03-30'],
    // Monday 06:00 UTC is still Sunday 22:00 in Los Angeles.
    ['America/Los_Angeles', '2026-11-23T06:00:00Z', '2026-11-16'],
    ['America/Los_Angeles', '2026-11-23T08:00:00Z', '2026-11-23'],
    // +05:30: Sunday 19:00 UTC is Monday 00:30 in Kolkata.
    ['Asia/Kolkata', '2026-11-22T19:00:00Z', '2026-11-23'],
    ['Asia/Kolkata', '2026-11-22T18:00:00Z', '2026-11-16'],
  ])('%s: %s is in the week of %s', (zone, iso, week) => {
    expect(localWeekStart(Date.parse(iso), zone)).toBe(week);
  });

  it('lists every week between two Mondays, across a daylight saving change', () => {
    expect(weeksBetween('2026-03-23', '2026-04-06')).toEqual(['2026-03-23', '2026-03-30', '2026-04-06']);
    expect(weeksBetween('2026-04-06', '2026-04-06')).toEqual(['2026-04-06']);
  });

  it('always answers the local Monday on or before the local date (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...ZONES), (ms, zone) => {
        const week = localWeekStart(ms, zone);
        const localDate = new Date(ms).toLocaleDateString('en-CA', { timeZone: zone });
        const weekMs = Date.parse(`${week}T00:00:00Z`);
        const dayMs = Date.parse(`${localDate}T00:00:00Z`);
        return new Date(weekMs).getUTCDay() === 1 && dayMs >= weekMs && dayMs - weekMs < 7 * 86_400_000;
      }),
      { numRuns: 2000 },
    );
  });
});
