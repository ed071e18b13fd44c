/** Building blocks shared by both pages: Atlaskit components with the app's wording. */
import { useEffect, useState, type ReactNode } from 'react';
import AkLozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import AkTabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import Tooltip from '@atlaskit/tooltip';
import type { ResolverError } from '../../src/forge/entry/resolvers/contract';
import { LOCAL_USERS, isLocalUserName, type LocalBridge } from './local-bridge';

import type { LozengeTone } from './tones';

export type { LozengeTone };

/** Atlaskit's lozenge; the tones are its appearances. */
export function Lozenge({ tone = 'default', children }: { tone?: LozengeTone; children: ReactNode }) {
  return <AkLozenge appearance={tone}>{children}</AkLozenge>;
}

/** A refused or invalid call, with the resolver's field problems listed (announced: role alert). */
export function ErrorMessage({ error, title }: { error: ResolverError | string; title?: string }) {
  const e = typeof error === 'string' ? { message: error, problems: undefined } : error;
  // A list that only repeats the message says nothing more.
  const problems = (e.problems ?? []).filter((p) => p.message !== e.message || p.line !== undefined);
  return (
    <div className="message-slot" role="alert">
      <SectionMessage appearance="error" title={title ?? 'Something went wrong'}>
        <p>{e.message}</p>
        {problems.length > 0 && (
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                <code>{p.path}</code>
                {p.line !== undefined ? ` (line ${p.line})` : ''}: {p.message}
              </li>
            ))}
          </ul>
        )}
      </SectionMessage>
    </div>
  );
}

/** An informational section message (empty lists, what a tab does not do yet). */
export function InfoMessage({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <div className="message-slot">
      <SectionMessage appearance="information" {...(title ? { title } : {})}>
        {children}
      </SectionMessage>
    </div>
  );
}

/** What the last action did when it failed; its success shows as a flag (see useResolverAction). */
export function ActionMessages({ error, errorTitle }: { error: ResolverError | null; errorTitle: string }) {
  return error ? <ErrorMessage error={error} title={errorTitle} /> : null;
}

/** A spinner where content is on its way; `label` says what (read by screen readers). */
export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <Spinner size="medium" label={label} />
    </div>
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

/**
 * Atlaskit tabs (arrow keys, Home/End). Panels once shown stay mounted while hidden, so an unsaved edit in
 * one tab survives a visit to another. The tab list scrolls sideways inside itself on narrow frames.
 */
export function Tabs({ tabs, selected, onSelect, label, render }: { tabs: readonly TabSpec[]; selected: string; onSelect: (id: string) => void; label: string; render: (id: string) => ReactNode }) {
  const index = Math.max(0, tabs.findIndex((t) => t.id === selected));
  // On a narrow frame the chosen tab (from the URL, or reached with the arrow keys) is scrolled into the strip's view.
  useEffect(() => {
    document.querySelector('.tab-strip [role="tab"][aria-selected="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [index]);
  return (
    <AkTabs id="settings-tabs" selected={index} onChange={(i) => onSelect(tabs[i]?.id ?? selected)}>
      <div className="tab-strip">
        <TabList aria-label={label}>
          {tabs.map((t) => (
            <Tab key={t.id}>{t.label}</Tab>
          ))}
        </TabList>
      </div>
      {tabs.map((t) => (
        <TabPanel key={t.id}>
          <div className="tab-body">{render(t.id)}</div>
        </TabPanel>
      ))}
    </AkTabs>
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

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "in 2 days": the largest unit that keeps the number below its next step. */
export function relativeTime(iso: string, now: number): string {
  let value = (Date.parse(iso) - now) / 1000;
  // Within a few seconds either way (clocks differ a little) reads as now, never "in 1 second".
  if (Math.abs(value) < 45) return 'just now';
  for (const [unit, step] of STEPS) {
    if (Math.abs(value) < step) return RELATIVE.format(Math.round(value), unit);
    value /= step;
  }
  return formatTime(iso);
}

function useNow(periodMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/** A time as people read it ("5 minutes ago"), the exact UTC time on hover and focus; "—" when there is none. */
export function Time({ iso }: { iso: string | null | undefined }) {
  const now = useNow();
  const exact = formatTime(iso);
  if (!iso || exact === '—') return <span className="subtle">—</span>;
  return (
    <Tooltip content={exact}>
      {(props) => (
        <time {...props} dateTime={iso} tabIndex={0} className="time">
          {relativeTime(iso, now)}
        </time>
      )}
    </Tooltip>
  );
}
