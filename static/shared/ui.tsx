/** Small Jira-looking building blocks shared by both pages. */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { ResolverError } from '../../src/forge/entry/resolvers/contract';
import { LOCAL_USERS, isLocalUserName, type LocalBridge } from './local-bridge';

export type LozengeTone = 'default' | 'success' | 'removed' | 'moved' | 'inprogress';

export function Lozenge({ tone = 'default', children }: { tone?: LozengeTone; children: ReactNode }) {
  return <span className={`lozenge ${tone}`}>{children}</span>;
}

/** A refused or invalid call, with the resolver's field problems listed. */
export function ErrorMessage({ error, title }: { error: ResolverError | string; title?: string }) {
  const e = typeof error === 'string' ? { message: error, problems: undefined } : error;
  return (
    <div className="message error" role="alert">
      <strong>{title ?? 'Something went wrong'}:</strong> {e.message}
      {e.problems && e.problems.length > 0 && (
        <ul>
          {e.problems.map((p, i) => (
            <li key={i}>
              <code>{p.path}</code>
              {p.line !== undefined ? ` (line ${p.line})` : ''}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A success message, announced politely; nothing when there is none. */
export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="message success" role="status">
      {children}
    </div>
  );
}

/** What the last action did: its refusal (titled), or its success notice. */
export function ActionMessages({ error, notice, errorTitle }: { error: ResolverError | null; notice: ReactNode; errorTitle: string }) {
  return (
    <>
      {error && <ErrorMessage error={error} title={errorTitle} />}
      <Notice>{notice}</Notice>
    </>
  );
}

/** A table's header row; `hiddenActions` ends it with an Actions column only screen readers hear (its cells are buttons). */
export function TableHead({ columns, hiddenActions = false }: { columns: readonly string[]; hiddenActions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col">
            {c}
          </th>
        ))}
        {hiddenActions && (
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/** A form the page submits itself (never a navigation); `onSubmit` runs on Enter or the submit button. */
export function Form({ onSubmit, className, label, children }: { onSubmit: () => unknown; className?: string; label?: string; children: ReactNode }) {
  return (
    <form
      className={className}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      {children}
    </form>
  );
}

export interface TabSpec {
  readonly id: string;
  readonly label: string;
}

/** WAI-ARIA tabs: arrow keys move between tabs, Home/End jump. */
export function Tabs({ tabs, selected, onSelect }: { tabs: readonly TabSpec[]; selected: string; onSelect: (id: string) => void }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (event: KeyboardEvent) => {
    const index = tabs.findIndex((t) => t.id === selected);
    const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? tabs.length - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length];
    if (!tab) return;
    onSelect(tab.id);
    refs.current[tab.id]?.focus();
  };
  return (
    <div role="tablist" aria-label="Incident Bridge settings" onKeyDown={onKey}>
      {tabs.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={t.id === selected}
          aria-controls={`panel-${t.id}`}
          tabIndex={t.id === selected ? 0 : -1}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** Only in the sandbox: who the local shim calls resolvers as. */
export function LocalUserBar({ bridge, onChange }: { bridge: LocalBridge; onChange: () => void }) {
  return (
    <div className="local-bar" role="region" aria-label="Local sandbox">
      <strong>Local sandbox</strong>
      <label htmlFor="local-user">acting as</label>
      <select
        id="local-user"
        value={bridge.user}
        onChange={(e) => {
          if (isLocalUserName(e.target.value)) bridge.setUser(e.target.value);
          onChange();
        }}
      >
        {LOCAL_USERS.map((u) => (
          <option key={u.name} value={u.name}>
            {u.label}
          </option>
        ))}
      </select>
      <span>Resolvers run on the local Forge host; in Jira this bar does not exist.</span>
    </div>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || ms <= 0 || iso.startsWith('0001-')) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}
