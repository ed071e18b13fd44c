/** Several done statuses: resolving by category picks one that means "resolved", deterministically. */
import { NOT_A_RESOLUTION, pickTransition } from '../../../src/forge/alerts/transitions';
import type { AvailableTransition } from '../../../src/forge/ports/jira';

const to = (id: string, name: string, category: AvailableTransition['to']['category'] = 'done'): AvailableTransition => ({ id, name: `Move to ${name}`, to: { id: `s${id}`, name, category } });

describe('resolving into a workflow with several done statuses', () => {
  it.each([
    ["Won't Do, Duplicate, Done", [to('31', "Won't Do"), to('41', 'Duplicate'), to('21', 'Done')], 'Done'],
    ['Cancelled, Resolved, Closed', [to('31', 'Cancelled'), to('21', 'Resolved'), to('41', 'Closed')], 'Resolved'],
    ["In Progress, Closed, Won't Fix", [to('11', 'In Progress', 'indeterminate'), to('21', 'Closed'), to('31', "Won't Fix")], 'Closed'],
    ["only Duplicate and Won't do", [to('31', 'Duplicate'), to('41', "Won't do")], 'Duplicate'],
  ] as const)('%s: picks the one that means resolved', (_name, available, expected) => {
    expect(pickTransition([...available], { by: 'statusCategory', category: 'done' })?.to.name).toBe(expected);
  });

  it('is deterministic (the workflow order among the fitting ones) and a rule can name the status', () => {
    const available = [to('21', 'Done'), to('22', 'Fixed'), to('31', "Won't Do")];
    expect(pickTransition(available, { by: 'statusCategory', category: 'done' })?.id).toBe('21');
    expect(pickTransition(available, { by: 'name', name: 'Fixed' })?.id).toBe('22');
    expect(pickTransition(available, { by: 'name', name: "won't do" })?.id).toBe('31');
  });

  it('knows the usual rejection names', () => {
    for (const name of ["Won't Do", 'Wont Fix', 'Duplicate', 'Canceled', 'Cancelled', 'Rejected', 'Declined', 'Invalid', 'Obsolete', 'Not a bug']) expect(NOT_A_RESOLUTION.test(name)).toBe(true);
    for (const name of ['Done', 'Resolved', 'Closed', 'Fixed', 'Complete', 'Released']) expect(NOT_A_RESOLUTION.test(name)).toBe(false);
  });
});
