/**
 * The dependencies of the Custom UI resolvers (`resolver-fn`), one builder per resolver group; the resolver
 * map (entry/resolvers/resolver-map.ts) calls them per request. Jira is read as the app for data and asked as
 * the calling user for permission checks.
 */
import { randomUUID } from 'node:crypto';
import { createJiraRestPort, createJiraSitePermissionPort, createJiraUserPort } from '../adapters/jira-rest';
import { createJiraMappingPickersPort } from '../adapters/jira-mapping-pickers-rest';
import { createJiraProjectsRestPort } from '../adapters/jira-projects-rest';
import { createJiraUserSearchPort } from '../adapters/jira-users-rest';
import { createCreateMetaPort } from '../adapters/jira-create-meta-rest';
import { createJiraPickerPort } from '../adapters/jira-pickers-rest';
import { deleteProblemPropertyAsApp, readIssueAsUser, readProblemPropertyAsUser, setProblemPropertyAsApp } from '../adapters/jira-panel-rest';
import { deleteIncidentPropertyAsApp, setIncidentPropertyAsApp } from '../adapters/incident-property-rest';
import { createImpactApiPort } from '../adapters/impact-api';
import { egressFetch, ingestWebTriggerUrl } from '../adapters/forge-runtime';
import { systemClock } from '../adapters/system-clock';
import { createJiraIncidentPort } from '../adapters/jira-incidents-rest';
import { IMPACT_EGRESS_PATTERNS, LOCAL_FORGE_HOST_ENV } from '../constants';
import { bridgeQueue, platform } from './platform';

const now = () => systemClock.now();

export const resolverWiring = {
  /** Connection tab reads and the delivery log. */
  connectionStatus: () => ({ ...platform(), webTriggerUrl: ingestWebTriggerUrl }),
  /** Connection tab writes: secrets in Forge secret storage, admin checks asked as the user, Impact by egress fetch. */
  connection: () => {
    const { store, secrets, env } = platform();
    return { store, secrets, env, userJira: createJiraUserPort(systemClock), now, egress: IMPACT_EGRESS_PATTERNS, allowLoopback: env[LOCAL_FORGE_HOST_ENV] === '1', fetch: egressFetch };
  },
  /** Alert rules, dry run (with pre-flight: create metadata as the user) and failed deliveries. */
  alerts: () => {
    const { store, logger } = platform();
    return { store, logger, userJira: createJiraUserPort(systemClock), queue: bridgeQueue(), now, createMeta: createCreateMetaPort(systemClock, 'user'), pickers: createJiraPickerPort(systemClock) };
  },
  /** Projects & metrics: Jira read as the app, admin checks asked as the user. */
  projects: () => ({
    store: platform().store,
    jira: createJiraProjectsRestPort(systemClock),
    userJira: createJiraUserPort(systemClock),
    queue: bridgeQueue(),
    userSearch: createJiraUserSearchPort(systemClock),
    now,
  }),
  /** Issue panel, alert group: the property read as the user. */
  alertPanel: () => ({ store: platform().store, readProblemProperty: readProblemPropertyAsUser }),
  /** Issue panel actions: the app's Jira for status and property, the user's for the admin check. */
  alertPanelActions: () => {
    const { store, clock } = platform();
    return { store, clock, jira: createJiraRestPort(systemClock), userJira: createJiraUserPort(systemClock), readProblemProperty: readProblemPropertyAsUser, deleteProblemProperty: deleteProblemPropertyAsApp };
  },
  /** Issue panel, incident: the issue read as the user. */
  incidentPanel: () => ({ store: platform().store, readIssueAsUser }),
  /** Incident panel actions: reads as the user, the resync through the queue, the property removed as the app. */
  incidentPanelActions: () => ({
    store: platform().store,
    readIssueAsUser,
    userJira: createJiraUserPort(systemClock),
    queue: bridgeQueue(),
    now,
    newRequestId: () => randomUUID().replace(/-/g, ''),
    deleteIncidentProperty: deleteIncidentPropertyAsApp,
  }),
  /** User directory and incident response times: Jira as the app for data, as the user for the admin check. */
  people: () => ({
    store: platform().store,
    userJira: createJiraUserPort(systemClock),
    queue: bridgeQueue(),
    userSearch: createJiraUserSearchPort(systemClock),
    accounts: createJiraIncidentPort(systemClock),
    now,
  }),
  /** Link by hand: issue read and permission asked as the user; properties written and statuses read as the app; Impact by egress fetch. */
  issueLink: () => {
    const { store, secrets, env, clock } = platform();
    return {
      store,
      clock,
      readIssueAsUser,
      readProblemProperty: readProblemPropertyAsUser,
      jira: createJiraRestPort(systemClock),
      userJira: createJiraUserPort(systemClock),
      impact: createImpactApiPort({ secrets, env, clock: systemClock }),
      setProblemProperty: setProblemPropertyAsApp,
      deleteProblemProperty: deleteProblemPropertyAsApp,
      setIncidentProperty: setIncidentPropertyAsApp,
      deleteIncidentProperty: deleteIncidentPropertyAsApp,
      queue: bridgeQueue(),
      newRequestId: () => randomUUID().replace(/-/g, ''),
    };
  },
  /** Incident mappings and post-mortem templates. */
  mappingPickers: () => ({ pickers: createJiraMappingPickersPort(systemClock), createMeta: createCreateMetaPort(systemClock, 'user') }),
  mappings: () => ({ store: platform().store, userJira: createJiraUserPort(systemClock), siteJira: createJiraSitePermissionPort(systemClock), createMeta: createCreateMetaPort(systemClock, 'user') }),
};
