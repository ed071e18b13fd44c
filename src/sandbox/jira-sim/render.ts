/** Turns records into the JSON shapes of Jira Cloud REST v3 responses. */
import type { SimState } from './state';
import { RESOLUTIONS, STATUS_CATEGORIES } from './model';
import type { CommentRecord, IssueRecord, IssueTypeRecord, PriorityRecord, ProjectRecord, StatusRecord, UserRecord, ChangelogRecord, IssueLinkTypeRecord } from './model';
import { jiraTimestamp } from './time';

type Obj = Record<string, unknown>;

const avatarUrls = (base: string, id: string): Obj => ({
  '48x48': `${base}/avatar/${id}?s=48`,
  '24x24': `${base}/avatar/${id}?s=24`,
  '16x16': `${base}/avatar/${id}?s=16`,
  '32x32': `${base}/avatar/${id}?s=32`,
});

/** A user as Jira shows it to anyone: the email only when the user lets others see it. */
export function renderUser(state: SimState, user: UserRecord): Obj {
  const out: Obj = {
    self: `${state.baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    accountType: user.accountType,
    avatarUrls: avatarUrls(state.baseUrl, user.accountId),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
  };
  if (!user.hideEmail && user.accountType !== 'app') out['emailAddress'] = user.emailAddress;
  return out;
}

export function renderUserId(state: SimState, accountId: string | null): Obj | null {
  if (accountId === null) return null;
  const user = state.users.get(accountId);
  return user ? renderUser(state, user) : { accountId, active: false, displayName: 'Former user', accountType: 'atlassian' };
}

export function renderStatusCategory(state: SimState, status: StatusRecord): Obj {
  const cat = STATUS_CATEGORIES[status.category];
  return { self: `${state.baseUrl}/rest/api/3/statuscategory/${cat.id}`, id: cat.id, key: cat.key, colorName: cat.colorName, name: cat.name };
}

export function renderStatus(state: SimState, status: StatusRecord): Obj {
  return {
    self: `${state.baseUrl}/rest/api/3/status/${status.id}`,
    description: status.description,
    iconUrl: `${state.baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: renderStatusCategory(state, status),
  };
}

export function renderIssueType(state: SimState, type: IssueTypeRecord): Obj {
  return {
    self: `${state.baseUrl}/rest/api/3/issuetype/${type.id}`,
    id: type.id,
    description: type.description,
    iconUrl: `${state.baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${type.id}`,
    name: type.name,
    subtask: type.subtask,
    hierarchyLevel: type.subtask ? -1 : 0,
  };
}

export function renderPriority(state: SimState, priority: PriorityRecord): Obj {
  return {
    self: `${state.baseUrl}/rest/api/3/priority/${priority.id}`,
    iconUrl: `${state.baseUrl}/images/icons/priorities/${priority.name.toLowerCase()}.svg`,
    name: priority.name,
    id: priority.id,
  };
}

export function renderProjectRef(state: SimState, project: ProjectRecord): Obj {
  return {
    self: `${state.baseUrl}/rest/api/3/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: 'software',
    simplified: false,
    avatarUrls: avatarUrls(state.baseUrl, `project-${project.id}`),
  };
}

export function renderProject(state: SimState, project: ProjectRecord): Obj {
  return {
    ...renderProjectRef(state, project),
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    description: '',
    lead: renderUserId(state, project.leadAccountId),
    components: project.components.map((c) => ({ self: `${state.baseUrl}/rest/api/3/component/${c.id}`, id: c.id, name: c.name })),
    issueTypes: project.issueTypes.map((t) => renderIssueType(state, t)),
    assigneeType: 'UNASSIGNED',
    versions: [],
    roles: {},
    isPrivate: false,
    style: 'classic',
    properties: {},
  };
}

export function renderLinkType(state: SimState, type: IssueLinkTypeRecord): Obj {
  return { id: type.id, name: type.name, inward: type.inward, outward: type.outward, self: `${state.baseUrl}/rest/api/3/issueLinkType/${type.id}` };
}

export function renderResolution(state: SimState, name: string | null): Obj | null {
  if (name === null) return null;
  const known = RESOLUTIONS.find((r) => r.name === name) ?? { id: '10000', name, description: '' };
  return { self: `${state.baseUrl}/rest/api/3/resolution/${known.id}`, id: known.id, description: known.description, name: known.name };
}

/**
 * A Comment as Jira answers it. `properties` only when asked: the spec documents `expand=properties` for
 * `POST /comment/list` only (getComments, addComment and getComment accept just `renderedBody`).
 */
export function renderComment(state: SimState, issue: IssueRecord, comment: CommentRecord, options: { readonly properties?: boolean } = {}): Obj {
  const author = renderUserId(state, comment.authorId);
  const properties = options.properties ? { properties: Object.entries(comment.properties ?? {}).map(([key, value]) => ({ key, value })) } : {};
  return {
    self: `${state.baseUrl}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author,
    body: comment.body,
    updateAuthor: comment.updateAuthorId === undefined ? author : renderUserId(state, comment.updateAuthorId),
    created: jiraTimestamp(comment.created),
    updated: jiraTimestamp(comment.updated),
    jsdPublic: true,
    ...properties,
  };
}

export function renderChangelog(state: SimState, entry: ChangelogRecord): Obj {
  return {
    id: entry.id,
    author: renderUserId(state, entry.authorId),
    created: jiraTimestamp(entry.created),
    // Jira sends `null` for empty from/to, but the published ChangeDetails schema says string: we omit them.
    items: entry.items.map((i) => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== null))),
  };
}

function issueLinks(state: SimState, issue: IssueRecord): Obj[] {
  const out: Obj[] = [];
  for (const link of state.links) {
    const type = state.linkTypes.find((t) => t.id === link.typeId);
    if (!type) continue;
    const base = { id: link.id, self: `${state.baseUrl}/rest/api/3/issueLink/${link.id}`, type: renderLinkType(state, type) };
    // Seen from the outward issue, the other end is the "inwardIssue" and vice versa, as Jira shows it.
    const otherId = link.outwardIssueId === issue.id ? link.inwardIssueId : link.inwardIssueId === issue.id ? link.outwardIssueId : null;
    const other = otherId === null ? undefined : state.issues.get(otherId);
    if (!other) continue;
    const ref = issueRef(state, other);
    out.push(link.outwardIssueId === issue.id ? { ...base, inwardIssue: ref } : { ...base, outwardIssue: ref });
  }
  return out;
}

function issueRef(state: SimState, issue: IssueRecord): Obj {
  const project = state.findProject(issue.projectKey);
  const fields: Obj = { summary: issue.summary };
  if (project) {
    fields['status'] = renderStatus(state, state.statusOf(project, issue.statusId));
    const type = project.issueTypes.find((t) => t.id === issue.issueTypeId);
    if (type) fields['issuetype'] = renderIssueType(state, type);
  }
  return { id: issue.id, key: issue.key, self: `${state.baseUrl}/rest/api/3/issue/${issue.id}`, fields };
}

/** Every field of an issue, keyed by field id, as `fields=*all` returns them. */
export function renderAllFields(state: SimState, issue: IssueRecord): Obj {
  const project = state.findProject(issue.projectKey);
  if (!project) throw new Error(`issue ${issue.key} has no project`);
  const type = project.issueTypes.find((t) => t.id === issue.issueTypeId);
  const priority = state.priorities.find((p) => p.id === issue.priorityId);
  const fields: Obj = {
    summary: issue.summary,
    description: issue.description ?? null,
    issuetype: type ? renderIssueType(state, type) : null,
    project: renderProjectRef(state, project),
    status: renderStatus(state, state.statusOf(project, issue.statusId)),
    statuscategorychangedate: jiraTimestamp(issue.statusCategoryChangedAt),
    priority: priority ? renderPriority(state, priority) : null,
    labels: [...issue.labels],
    components: issue.componentIds.flatMap((id) => {
      const c = project.components.find((x) => x.id === id);
      return c ? [{ self: `${state.baseUrl}/rest/api/3/component/${c.id}`, id: c.id, name: c.name }] : [];
    }),
    assignee: renderUserId(state, issue.assigneeId),
    reporter: renderUserId(state, issue.reporterId),
    creator: renderUserId(state, issue.creatorId),
    created: jiraTimestamp(issue.created),
    updated: jiraTimestamp(issue.updated),
    resolution: renderResolution(state, issue.resolution),
    resolutiondate: issue.resolutionDate === null ? null : jiraTimestamp(issue.resolutionDate),
    issuelinks: issueLinks(state, issue),
    comment: {
      comments: issue.comments.map((c) => renderComment(state, issue, c)),
      self: `${state.baseUrl}/rest/api/3/issue/${issue.id}/comment`,
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    },
  };
  for (const def of state.customFields.values()) {
    const value = issue.custom.get(def.id);
    if (value === undefined) {
      fields[def.id] = null;
      continue;
    }
    switch (value.kind) {
      case 'select': {
        const option = def.kind === 'select' ? def.options.find((o) => o.id === value.optionId) : undefined;
        fields[def.id] = option ? { self: `${state.baseUrl}/rest/api/3/customFieldOption/${option.id}`, value: option.value, id: option.id } : null;
        break;
      }
      case 'string':
      case 'number':
      case 'raw':
        fields[def.id] = value.value;
        break;
      case 'sprint':
        // A sprint's name and state are read live: the field shows a sprint closed since the issue joined it as closed.
        fields[def.id] = value.sprints.map((sp) => {
          const live = state.sprints.get(sp.id);
          return live ? { id: live.id, name: live.name, state: live.state, boardId: live.originBoardId } : { id: sp.id, name: sp.name, state: sp.state, boardId: sp.boardId };
        });
        break;
    }
  }
  return fields;
}

/**
 * Applies Jira's `fields` parameter: `*all`, `*navigable`, ids, and `-id` exclusions.
 * `defaultSelection` is what an absent parameter means (`*all` for GET issue, `id` for search).
 */
export function selectFields(all: Obj, requested: readonly string[] | undefined, defaultSelection: '*all' | 'id'): Obj | undefined {
  const tokens = (requested && requested.length > 0 ? requested : [defaultSelection]).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t.length > 0);
  const include = new Set<string>();
  const exclude = new Set<string>();
  let everything = false;
  for (const token of tokens) {
    if (token === '*all' || token === '*navigable') everything = true;
    else if (token.startsWith('-')) exclude.add(token.slice(1));
    else include.add(token);
  }
  const onlyId = !everything && [...include].every((t) => t === 'id' || t === 'key');
  if (onlyId) return undefined;
  const out: Obj = {};
  for (const [name, value] of Object.entries(all)) {
    if ((everything || include.has(name)) && !exclude.has(name)) out[name] = value;
  }
  return out;
}

/**
 * How many changelog histories Jira embeds with `expand=changelog`: the newest ones, while `total` counts
 * all. Enhanced search (`/search/jql`) embeds at most 40 (JRACLOUD-96459: "no longer possible to retrieve
 * more than 40 changelog/history data"); GET issue embeds the newest 100.
 */
export const SEARCH_CHANGELOG_LIMIT = 40;
export const ISSUE_CHANGELOG_LIMIT = 100;

export interface IssueView {
  readonly fields?: readonly string[] | undefined;
  readonly defaultFields: '*all' | 'id';
  /** Newest histories embedded for `expand=changelog` (older ones are left out, as Jira does). */
  readonly changelogLimit: number;
  readonly expand?: string | undefined;
  readonly properties?: readonly string[] | undefined;
}

/** An IssueBean: id, key, self, the selected fields, and what `expand` / `properties` asked for. */
export function renderIssue(state: SimState, issue: IssueRecord, view: IssueView): Obj {
  const out: Obj = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${state.baseUrl}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
  };
  const fields = selectFields(renderAllFields(state, issue), view.fields, view.defaultFields);
  if (fields !== undefined) out['fields'] = fields;
  const expand = (view.expand ?? '').split(',').map((e) => e.trim());
  if (expand.includes('changelog')) {
    const kept = issue.changelog.slice(Math.max(0, issue.changelog.length - view.changelogLimit));
    out['changelog'] = {
      startAt: 0,
      maxResults: kept.length,
      total: issue.changelog.length,
      histories: kept.map((c) => renderChangelog(state, c)),
    };
  }
  const propKeys = (view.properties ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p.length > 0);
  if (propKeys.length > 0) {
    const props: Obj = {};
    for (const [key, value] of issue.properties) if (propKeys.includes('*all') || propKeys.includes(key)) props[key] = value;
    out['properties'] = props;
  }
  return out;
}
