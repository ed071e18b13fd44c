/** The issue panel's wording of a resync's summary (static/panel/src/sync-wording.ts). */
import { syncSummaryForPeople } from '../../static/panel/src/sync-wording';

test.each([
  ['edited summary, customfield_11064', 'edited summary and 1 custom field'],
  ['edited customfield_1, customfield_2; assigned', 'edited 2 custom fields; assigned'],
  ['edited summary, priority', 'edited summary, priority'],
  ['created OPS-4; moved to In Progress in 1 step(s)', 'created OPS-4; moved to In Progress in 1 step(s)'],
  ['nothing to do', 'nothing to do'],
])('%p reads %p', (summary, expected) => {
  expect(syncSummaryForPeople(summary)).toBe(expected);
});
