import { useEffect, useMemo, useState } from 'react';
import type { Bridge } from '../../shared/bridge';
import { createResolverClient } from '../../shared/client';
import type { LocalBridge } from '../../shared/local-bridge';
import { LocalUserBar, Tabs, type TabSpec } from '../../shared/ui';
import { ConnectionTab } from './ConnectionTab';
import { DeliveryLogTab } from './DeliveryLogTab';
import { DryRunTab } from './DryRunTab';
import { ProjectsTab } from './ProjectsTab';
import { MappingsTab } from './MappingsTab';
import { PostMortemTab } from './PostMortemTab';
import { RulesTab } from './RulesTab';

const TABS: readonly TabSpec[] = [
  { id: 'connection', label: 'Connection' },
  { id: 'rules', label: 'Rules' },
  { id: 'deliveries', label: 'Delivery log' },
  { id: 'dry-run', label: 'Dry run' },
  { id: 'mappings', label: 'Mappings' },
  { id: 'postmortems', label: 'Post-mortem templates' },
  { id: 'projects', label: 'Projects & metrics' },
];

/** Tabs whose backends are not built yet say so instead of pretending. */
const LATER: Record<string, string> = {};

export function SettingsApp({ bridge }: { bridge: Bridge }) {
  const client = useMemo(() => createResolverClient(bridge), [bridge]);
  const initial = new URLSearchParams(window.location.search).get('tab');
  const [tab, setTab] = useState(TABS.some((t) => t.id === initial) ? (initial as string) : 'connection');
  // Changing the local user remounts the tabs so everything is fetched again as that user.
  const [generation, setGeneration] = useState(0);
  const [projectKey, setProjectKey] = useState<string | undefined>();
  useEffect(() => {
    bridge.getContext().then((c) => setProjectKey(c.extension.project?.key), () => setProjectKey(undefined));
  }, [bridge]);

  const later = LATER[tab];
  return (
    <>
      {bridge.local && <LocalUserBar bridge={bridge as LocalBridge} onChange={() => setGeneration((g) => g + 1)} />}
      <main key={generation}>
        <h1>Incident Bridge{projectKey ? <span className="subtle"> · {projectKey}</span> : null}</h1>
        <Tabs tabs={TABS} selected={tab} onSelect={setTab} />
        <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'connection' && <ConnectionTab client={client} />}
          {tab === 'rules' && <RulesTab client={client} projectKey={projectKey} />}
          {tab === 'deliveries' && <DeliveryLogTab client={client} />}
          {tab === 'dry-run' && <DryRunTab client={client} />}
          {tab === 'mappings' && <MappingsTab client={client} />}
          {tab === 'postmortems' && <PostMortemTab client={client} />}
          {tab === 'projects' && <ProjectsTab client={client} />}
          {later && <div className="message info">{later}</div>}
        </section>
      </main>
    </>
  );
}
