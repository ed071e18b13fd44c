/** How the delivery log shows group keys and issue keys (static/settings/src/delivery-outcome.ts). */
import { groupLabel, splitIssueKeys } from '../../static/settings/src/delivery-outcome';

test.each([
  ['{}:{alertname="HighErrorRate", cluster="prod-eu"}', 'alertname=HighErrorRate · cluster=prod-eu'],
  ['{}/{team="payments"}:{alertname="X"}', 'alertname=X'],
  ['{}:{}', '{}:{}'],
  ['impact:INC-410', 'impact:INC-410'],
  ['ea57a5cee65a9cf3', 'ea57a5cee65a9cf3'],
])('group key %p reads %p', (key, label) => {
  expect(groupLabel(key)).toBe(label);
});

test('issue keys are split out of a detail line, text kept around them', () => {
  expect(splitIssueKeys('created OPS-12 (linked to OPS-3); skipped because x')).toEqual([{ text: 'created ' }, { key: 'OPS-12' }, { text: ' (linked to ' }, { key: 'OPS-3' }, { text: '); skipped because x' }]);
  expect(splitIssueKeys('nothing to do')).toEqual([{ text: 'nothing to do' }]);
});
