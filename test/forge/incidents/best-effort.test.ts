import { refusedFields, writeBestEffort } from '../../../src/forge/incidents/best-effort';
import type { JiraResult } from '../../../src/forge/ports/jira';

const refuse = (errors: Record<string, string>): JiraResult<string> => ({ ok: false, failure: { kind: 'rejected', status: 400, jiraMessages: Object.entries(errors).map(([f, m]) => `${f}: ${m}`) } });

describe('best-effort Jira writes', () => {
  it('reads the fields a 400 names among those sent, and nothing from other failures', () => {
    const failure = { kind: 'rejected', status: 400, jiraMessages: ['customfield_1: Option value x is not valid', 'Something general', 'other_field: not sent'] } as const;
    expect(refusedFields(failure, ['customfield_1', 'summary'])).toEqual([{ field: 'customfield_1', reason: 'Option value x is not valid' }]);
    expect(refusedFields({ kind: 'rejected', status: 403, jiraMessages: ['customfield_1: no'] }, ['customfield_1'])).toEqual([]);
    expect(refusedFields({ kind: 'unavailable', status: 503, message: 'down' }, ['customfield_1'])).toEqual([]);
  });

  it('drops the refused fields and sends the rest again', async () => {
    const sent: string[][] = [];
    const { result, dropped } = await writeBestEffort({ summary: 's', customfield_1: 'x', customfield_2: 'y' }, async (fields) => {
      sent.push(Object.keys(fields));
      return 'customfield_1' in fields ? refuse({ customfield_1: 'bad option' }) : { ok: true, value: 'OPS-1' };
    });
    expect(result).toEqual({ ok: true, value: 'OPS-1' });
    expect(dropped).toEqual([{ field: 'customfield_1', reason: 'bad option' }]);
    expect(sent).toEqual([['summary', 'customfield_1', 'customfield_2'], ['summary', 'customfield_2']]);
  });

  it('never drops a field the write needs, nor the last one, and stops after three rounds', async () => {
    const keep = await writeBestEffort({ summary: '', customfield_1: 'x' }, async () => refuse({ summary: 'You must specify a summary.' }), ['summary']);
    expect(keep.result.ok).toBe(false);
    expect(keep.dropped).toEqual([]);
    const last = await writeBestEffort({ customfield_1: 'x' }, async () => refuse({ customfield_1: 'bad' }));
    expect(last).toMatchObject({ result: { ok: false }, dropped: [] });
    let calls = 0;
    const many = await writeBestEffort({ a: 1, b: 2, c: 3, d: 4 }, async (fields) => {
      calls += 1;
      return refuse({ [Object.keys(fields)[0]!]: 'bad' });
    });
    expect(calls).toBe(3);
    expect(many.dropped.map((d) => d.field)).toEqual(['a', 'b']);
  });
});
