import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { Bridge } from '../../shared/bridge';
import { createResolverClient } from '../../shared/client';
import type { LocalBridge } from '../../shared/local-bridge';
import { AccessProvider, ReadOnlyNotice } from '../../shared/access';
import { FeedbackProvider } from '../../shared/feedback';
import { InfoMessage, Loading, LocalUserBar, Tabs, type TabSpec } from '../../shared/ui';

// Each tab is its own chunk, loaded when first shown: the page paints before the rule parser, the YAML
// library or the charts arrive.
const ConnectionTab = lazy(() => import('./ConnectionTab').then((m) => ({ default: m.ConnectionTab })));
const DeliveryLogTab = lazy(() => import('./DeliveryLogTab').then((m) => ({ default: m.DeliveryLogTab })));
const DryRunTab = lazy(() => import('./DryRunTab').then((m) => ({ default: m.DryRunTab })));
const ProjectsTab = lazy(() => import('./ProjectsTab').then((m) => ({ default: m.ProjectsTab })));
const MappingsTab = lazy(() => import('./MappingsTab').then((m) => ({ default: m.MappingsTab })));
const PostMortemTab = lazy(() => import('./PostMortemTab').then((m) => ({ default: m.PostMortemTab })));
const RulesTab = lazy(() => import('./RulesTab').then((m) => ({ default: m.RulesTab })));

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

/** The tab named in the URL (?tab=), so a reload or a shared link opens the same tab. */
function tabFromUrl(): string {
  const wanted = new URLSearchParams(window.location.search).get('tab');
  return TABS.find((t) => t.id === wanted)?.id ?? 'connection';
}

export function SettingsApp({ bridge }: { bridge: Bridge }) {
  const client = useMemo(() => createResolverClient(bridge), [bridge]);
  const [tab, setTab] = useState(tabFromUrl);
  // Changing the local user remounts the tabs so everything is fetched again as that user.
  const [generation, setGeneration] = useState(0);
  const [projectKey, setProjectKey] = useState<string | undefined>();
  useEffect(() => {
    bridge.getContext().then((c) => setProjectKey(c.extension.project?.key), () => setProjectKey(undefined));
  }, [bridge]);
  useEffect(() => {
    const onPop = () => setTab(tabFromUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const select = useCallback((id: string) => {
    setTab(id);
    const url = new URL(window.location.href);
    url.searchParams.set('tab', id);
    // Inside Jira the frame's URL is the app's own; pushState keeps Back working between tabs.
    window.history.pushState(null, '', url);
  }, []);

  const render = (id: string) => <Suspense fallback={<Loading label="Loading the tab" />}>{tabContent(id)}</Suspense>;
  const tabContent = (id: string) => {
    const later = LATER[id];
    if (later) return <InfoMessage>{later}</InfoMessage>;
    switch (id) {
      case 'connection':
        return <ConnectionTab client={client} />;
      case 'rules':
        return <RulesTab client={client} projectKey={projectKey} />;
      case 'deliveries':
        return <DeliveryLogTab client={client} bridge={bridge} />;
      case 'dry-run':
        return <DryRunTab client={client} />;
      case 'mappings':
        return <MappingsTab client={client} />;
      case 'postmortems':
        return <PostMortemTab client={client} />;
      case 'projects':
        return <ProjectsTab client={client} bridge={bridge} />;
      default:
        return null;
    }
  };

  return (
    <FeedbackProvider>
      {bridge.local && <LocalUserBar bridge={bridge as LocalBridge} onChange={() => setGeneration((g) => g + 1)} />}
      <main key={generation}>
        <AccessProvider client={client}>
          <h1>Incident Bridge{projectKey ? <span className="subtle"> · {projectKey}</span> : null}</h1>
          <ReadOnlyNotice what="these settings" />
          <Tabs tabs={TABS} selected={tab} onSelect={select} label="Incident Bridge settings" render={render} />
        </AccessProvider>
      </main>
    </FeedbackProvider>
  );
}
