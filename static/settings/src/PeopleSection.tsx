/**
 * The user directory: Impact people matched to Jira accounts (by email, else by display name where Jira hides
 * the email, never a guess), the unmatched with the reason, and an admin's manual match and unmatch, each in a
 * modal that says what it changes; kept across the daily runs until an admin forgets the decision. Read-only (disabled controls) for non-admins;
 * every write is checked server-side too.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import type { AccountRef, DirectoryPage, MatchedPerson, UnmatchedPerson } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { Editable } from '../../shared/access';
import { useFeedback } from '../../shared/feedback';
import { useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { ActionMessages, ErrorMessage, Loading, TableHead, Time } from '../../shared/ui';

const PAGE = 25;

const REASONS: Record<UnmatchedPerson['reason'], string> = {
  'no-account': 'no active Jira account shows this email, and none hiding its email has this name',
  ambiguous: 'several Jira accounts fit: not guessed',
  'account-contested': 'the one Jira account that fits would go to several Impact people: none gets it',
  manual: 'unmatched by an admin',
  'manual-account-gone': 'matched by an admin to an account Jira no longer lists',
};

const HOW: Record<MatchedPerson['by'], string> = { email: 'email', 'display-name': 'display name', manual: 'by an admin' };

export function PeopleSection({ client }: { client: ResolverClient }) {
  const [offsets, setOffsets] = useState({ matched: 0, unmatched: 0 });
  const matched = useResolverQuery(() => client.call('getUserDirectory', { list: 'matched', offset: offsets.matched, limit: PAGE }), [client, offsets.matched]);
  const unmatched = useResolverQuery(() => client.call('getUserDirectory', { list: 'unmatched', offset: offsets.unmatched, limit: PAGE }), [client, offsets.unmatched]);
  const action = useResolverAction<'run' | 'change'>();
  const feedback = useFeedback();
  const [matching, setMatching] = useState<UnmatchedPerson | MatchedPerson | null>(null);
  const reload = () => Promise.all([matched.reload(), unmatched.reload()]).then(() => undefined);

  const runNow = () =>
    action.run('run', () => client.call('runUserDirectoryNow'), {
      notice: 'Directory run queued: Jira users and Impact people are read again.',
      then: () => new Promise<void>((r) => setTimeout(r, 1500)).then(reload),
    });
  const unmatch = async (person: MatchedPerson) => {
    const ok = await feedback.confirm({
      title: `Unmatch ${person.name || person.email}?`,
      body: (
        <p>
          {person.name || person.email} ({person.email}) is no longer paired with the Jira account {person.account.displayName}: incidents they command in Impact are
          not assigned to that account, and later directory runs keep them unmatched until an admin matches them again.
        </p>
      ),
      confirmLabel: 'Unmatch',
    });
    if (ok) await action.run('change', () => client.call('unmatchUser', { email: person.email }), { notice: `${person.email} is unmatched.`, then: reload });
  };

  const forget = async (person: MatchedPerson | UnmatchedPerson) => {
    const who = person.name || person.email;
    const ok = await feedback.confirm({
      title: `Forget the manual decision on ${who}?`,
      body: (
        <p>
          An admin {'account' in person ? `matched ${who} (${person.email}) to ${person.account.displayName}` : `unmatched ${who} (${person.email})`}. Forgetting it hands{' '}
          {who} back to the automatic matcher: a directory run starts now and pairs them by email or display name, or leaves them unmatched with the reason, and the
          incident sync assigns their incidents accordingly.
        </p>
      ),
      confirmLabel: 'Forget decision',
    });
    if (ok) {
      await action.run('change', () => client.call('forgetManualDecision', { email: person.email }), {
        notice: `The decision on ${person.email} is forgotten; a directory run matches them again.`,
        then: () => new Promise<void>((r) => setTimeout(r, 1500)).then(reload),
      });
    }
  };

  const head = matched.value ?? unmatched.value;
  const error = matched.error ?? unmatched.error;
  return (
    <section aria-labelledby="user-directory">
      <div className="row">
        <h2 id="user-directory">People: Impact ⇄ Jira directory</h2>
        <span className="spacer" />
        <Editable>
          <Button onClick={() => void runNow()} isDisabled={action.busy !== null}>
            Run now
          </Button>
        </Editable>
      </div>
      <p className="subtle">
        Every Impact person is matched to one Jira account: by email where Jira shows it (case does not matter), otherwise by display name among accounts that hide
        their email. When several accounts fit, or one account would fit several people, nobody is matched and the reason is listed. Admins match and unmatch by hand;
        their decisions are kept by every later run. The directory runs daily; the incident sync assigns commanders by it.
      </p>
      <ActionMessages error={action.error} errorTitle="Not changed" />
      {error && <ErrorMessage error={error} />}
      {!head && !error && <Loading label="Loading the directory" />}
      {head && <Summary page={head} />}
      {unmatched.value && (
        <PeopleTable
          title="Unmatched people"
          page={unmatched.value}
          entries={unmatched.value.entries as readonly UnmatchedPerson[]}
          onPage={(offset) => setOffsets((o) => ({ ...o, unmatched: offset }))}
          columns={['Impact person', 'Email', 'Why', 'Actions']}
          onForget={(person) => void forget(person)}
          cells={(u) => (
            <td>
              {REASONS[u.reason]}
              {u.candidates.length > 0 && u.reason !== 'manual-account-gone' ? `: ${u.candidates.map((c) => c.displayName).join(', ')}` : ''}
            </td>
          )}
          actions={(u) => (
            <RowAction email={u.email} onClick={() => setMatching(u)}>
              Match…
            </RowAction>
          )}
        />
      )}
      {matched.value && (
        <PeopleTable
          title="Matched people"
          page={matched.value}
          entries={matched.value.entries as readonly MatchedPerson[]}
          onPage={(offset) => setOffsets((o) => ({ ...o, matched: offset }))}
          columns={['Impact person', 'Email', 'Jira account', 'Matched by', 'Actions']}
          onForget={(person) => void forget(person)}
          cells={(m) => (
            <>
              <td>{m.account.displayName}</td>
              <td>{HOW[m.by]}</td>
            </>
          )}
          actions={(m) => (
            <>
              <RowAction email={m.email} onClick={() => setMatching(m)}>
                Change…
              </RowAction>
              <RowAction email={m.email} onClick={() => void unmatch(m)}>
                Unmatch
              </RowAction>
            </>
          )}
        />
      )}
      <MatchDialog
        client={client}
        person={matching}
        onClose={() => setMatching(null)}
        onMatch={(account) => {
          const person = matching;
          setMatching(null);
          if (person) void action.run('change', () => client.call('matchUser', { email: person.email, accountId: account.accountId }), { notice: `${person.email} is matched to ${account.displayName}.`, then: reload });
        }}
      />
    </section>
  );
}

/** A decision an admin made by hand (kept by every run until forgotten). */
const isManual = (person: MatchedPerson | UnmatchedPerson): boolean => ('by' in person ? person.by === 'manual' : person.reason === 'manual' || person.reason === 'manual-account-gone');

/**
 * One person's row: name and email, the list's own cells, then the actions cell (read-only for non-admins)
 * with the list's actions and, for a decision made by hand, "Forget decision".
 */
function PersonRow({ person, cells, onForget, children }: { person: MatchedPerson | UnmatchedPerson; cells: ReactNode; onForget: () => void; children: ReactNode }) {
  return (
    <tr>
      <td>{person.name || '—'}</td>
      <td>{person.email}</td>
      {cells}
      <td className="actions">
        <Editable>
          {children}
          {isManual(person) && (
            <RowAction email={person.email} onClick={onForget}>
              Forget decision
            </RowAction>
          )}
        </Editable>
      </td>
    </tr>
  );
}

/** A compact row button whose accessible name ends with the person's email (several rows carry the same label). */
function RowAction({ email, onClick, children }: { email: string; onClick: () => void; children: ReactNode }) {
  return (
    <Button spacing="compact" onClick={onClick}>
      {children}
      <span className="visually-hidden"> {email}</span>
    </Button>
  );
}

function Summary({ page }: { page: DirectoryPage }) {
  if (page.computedAtMs === null) {
    return <p data-testid="directory-summary">{page.lastRun?.outcome === 'failed' ? `The last run failed: ${page.lastRun.message ?? 'unknown'}` : 'The directory has not run yet: it runs within the hour after install, or now with Run now.'}</p>;
  }
  return (
    <p data-testid="directory-summary">
      {page.matchedTotal} of {page.impactPeople} Impact people matched among {page.jiraUsers} Jira accounts · {page.unmatchedTotal} unmatched · computed{' '}
      <Time iso={new Date(page.computedAtMs).toISOString()} />
      {page.lastRun && page.lastRun.outcome !== 'ok' ? ` · the newest run failed: ${page.lastRun.message ?? page.lastRun.outcome}` : ''}
    </p>
  );
}

interface PeopleTableProps<P extends MatchedPerson | UnmatchedPerson> {
  readonly title: string;
  readonly page: DirectoryPage;
  readonly entries: readonly P[];
  readonly onPage: (offset: number) => void;
  readonly columns: string[];
  /** The list's own cells after name and email. */
  readonly cells: (person: P) => ReactNode;
  /** The list's own actions (Forget decision follows for a decision made by hand). */
  readonly actions: (person: P) => ReactNode;
  readonly onForget: (person: P) => void;
}

function PeopleTable<P extends MatchedPerson | UnmatchedPerson>({ title, page, entries, onPage, columns, cells, actions, onForget }: PeopleTableProps<P>) {
  const total = page.list === 'matched' ? page.matchedTotal : page.unmatchedTotal;
  return (
    <>
      <h3>
        {title} <span className="subtle">({total})</span>
      </h3>
      {total === 0 ? (
        <p className="subtle">Nobody.</p>
      ) : (
        <>
          <table aria-label={title}>
            <TableHead columns={columns} />
            <tbody>
              {entries.map((person) => (
                <PersonRow key={person.email} person={person} cells={cells(person)} onForget={() => onForget(person)}>
                  {actions(person)}
                </PersonRow>
              ))}
            </tbody>
          </table>
          <div className="row">
            <span className="subtle">
              {page.offset + 1}–{page.offset + page.entries.length} of {total}
            </span>
            <Button spacing="compact" isDisabled={page.offset === 0} onClick={() => onPage(Math.max(0, page.offset - page.limit))}>
              Previous<span className="visually-hidden"> {title}</span>
            </Button>
            <Button spacing="compact" isDisabled={page.offset + page.limit >= total} onClick={() => onPage(page.offset + page.limit)}>
              Next<span className="visually-hidden"> {title}</span>
            </Button>
          </div>
        </>
      )}
    </>
  );
}

/** Pick the Jira account: the candidates the matcher found, or any account found by name or email. */
function MatchDialog({ client, person, onClose, onMatch }: { client: ResolverClient; person: UnmatchedPerson | MatchedPerson | null; onClose: () => void; onMatch: (account: AccountRef) => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<readonly AccountRef[]>([]);
  const [picked, setPicked] = useState<AccountRef | null>(null);
  const search = useResolverAction<'search'>();
  useEffect(() => {
    setQuery(person?.name ?? '');
    setFound([]);
    setPicked(null);
  }, [person]);
  if (!person) return <ModalTransition>{null}</ModalTransition>;
  const candidates = 'candidates' in person && person.reason !== 'manual-account-gone' ? person.candidates : [];
  const options = [...candidates, ...found.filter((f) => !candidates.some((c) => c.accountId === f.accountId))];
  const runSearch = () => search.run('search', () => client.call('searchJiraAccounts', { query: query.trim() }), { then: (accounts) => setFound(accounts) });
  return (
    <ModalTransition>
      <Modal onClose={onClose} width="medium">
        <ModalHeader>
          <ModalTitle>Match {person.name || person.email} to a Jira account</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <p>
            The incident sync assigns the incidents {person.email} commands in Impact to the account you pick (and maps that account back to them); every later
            directory run keeps this match.
          </p>
          <div className="row">
            <label htmlFor={`${id}-q`}>Find a Jira account</label>
            <input id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && query.trim() && void runSearch()} />
            <Button spacing="compact" isDisabled={query.trim() === '' || search.busy !== null} onClick={() => void runSearch()}>
              Search
            </Button>
          </div>
          <ActionMessages error={search.error} errorTitle="Search failed" />
          {options.length === 0 ? (
            <p className="subtle">{search.busy ? 'Searching…' : 'Search Jira by name or visible email.'}</p>
          ) : (
            <fieldset>
              <legend>Jira accounts</legend>
              {options.map((a) => (
                <div key={a.accountId}>
                  <label>
                    <input type="radio" name={`${id}-account`} checked={picked?.accountId === a.accountId} onChange={() => setPicked(a)} /> {a.displayName} <span className="subtle">{a.accountId}</span>
                  </label>
                </div>
              ))}
            </fieldset>
          )}
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose}>
            Cancel
          </Button>
          <Button appearance="primary" isDisabled={!picked} onClick={() => picked && onMatch(picked)}>
            Match
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
