/** State changes on issues: each one validates first, then commits, records a changelog and emits an event. */
import { adfMentionIds, adfProblem } from './adf';
import { JiraError, badRequest, fieldErrors, issueNotFound } from './errors';
import type { EventComment, IssueEvent, IssueEventBase, IssueEventBus } from './events';
import { buildPatches, type FieldPatch } from './field-patches';
import { missingRequiredFields } from './create-meta';
import { RESOLUTIONS, type ChangeItem, type CommentRecord, type IssueRecord, type ProjectRecord, type SprintRecord, type TransitionRecord } from './model';
import { renderAllFields } from './render';
import type { SimState } from './state';
import { jiraTimestamp } from './time';

export interface Actor {
  readonly accountId: string;
  readonly isApp: boolean;
}

export interface OpContext {
  readonly state: SimState;
  readonly now: () => number;
  readonly bus: IssueEventBus;
}

export interface PropertyInput {
  readonly key: string;
  readonly value: unknown;
}

const MAX_PROPERTY_BYTES = 32768;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function requireIssue(state: SimState, idOrKey: string): IssueRecord {
  const issue = state.findIssue(idOrKey);
  if (!issue) throw issueNotFound();
  return issue;
}

function projectOf(state: SimState, issue: IssueRecord): ProjectRecord {
  const project = state.findProject(issue.projectKey);
  if (!project) throw new Error(`issue ${issue.key} lost its project`);
  return project;
}

export function checkPropertyInput(key: string, value: unknown): void {
  if (key.length === 0 || key.length > 255) throw badRequest(['The property key cannot be longer than 255 characters.']);
  const size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (size > MAX_PROPERTY_BYTES) throw badRequest([`The property '${key}' exceeds the size limit of 32768 bytes.`]);
}

function eventFields(ctx: OpContext, issue: IssueRecord): Record<string, unknown> {
  const { comment: _comment, ...fields } = renderAllFields(ctx.state, issue);
  // Forge's payload reference spells it `issueType` in the type and `issuetype` in its example; give both.
  return { ...fields, issueType: fields['issuetype'] };
}

function emit(ctx: OpContext, issue: IssueRecord, actor: Actor, build: (base: IssueEventBase) => IssueEvent): void {
  const base: IssueEventBase = {
    issue: { id: issue.id, key: issue.key, fields: eventFields(ctx, issue) },
    atlassianId: actor.accountId,
    associatedUsers: [{ accountId: actor.accountId }],
    actorIsApp: actor.isApp,
  };
  ctx.bus.emit(build(base));
}

/** Commits a set of change items: changelog entry, `updated`, and the `avi:jira:updated:issue` event. */
function commitChange(ctx: OpContext, issue: IssueRecord, actor: Actor, items: ChangeItem[]): void {
  if (items.length === 0) return;
  const at = ctx.now();
  const entry = { id: ctx.state.nextId('changelog'), authorId: actor.accountId, created: at, items };
  issue.changelog.push(entry);
  issue.updated = at;
  ctx.state.touch(issue.id);
  emit(ctx, issue, actor, (base) => ({ ...base, eventType: 'avi:jira:updated:issue', changelog: { id: entry.id, items } }));
}

function applyPatches(issue: IssueRecord, patches: readonly FieldPatch[]): ChangeItem[] {
  const items: ChangeItem[] = [];
  for (const patch of patches) {
    items.push(...patch.items(issue));
    patch.apply(issue);
  }
  return items;
}

export interface CreateInput {
  readonly fields: Record<string, unknown>;
  readonly properties?: readonly PropertyInput[] | undefined;
}

export function createIssue(ctx: OpContext, actor: Actor, input: CreateInput): IssueRecord {
  const { state } = ctx;
  const errors: Record<string, string> = {};
  const projectRef = input.fields['project'];
  const projectKey = isObject(projectRef) ? (projectRef['key'] ?? projectRef['id']) : undefined;
  const project = typeof projectKey === 'string' || typeof projectKey === 'number' ? state.findProject(String(projectKey)) : undefined;
  if (!project) throw fieldErrors({ project: 'Specify a valid project ID or key' });
  if (input.fields['issuetype'] === undefined) errors['issuetype'] = 'Specify an issue type';
  if (input.fields['summary'] === undefined) errors['summary'] = 'You must specify a summary of the issue.';
  const patches = buildPatches(state, project, input.fields, 'create', errors);
  Object.assign(errors, missingRequiredFields(state, project, input.fields['issuetype'], input.fields, state.requiredFields));
  for (const p of input.properties ?? []) checkPropertyInput(p.key, p.value);
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);

  const at = ctx.now();
  const id = state.nextId('issue');
  const issue: IssueRecord = {
    id,
    key: `${project.key}-${state.nextIssueNumber(project.key)}`,
    projectKey: project.key,
    issueTypeId: '',
    summary: '',
    description: null,
    statusId: project.workflow.initialStatusId,
    statusCategoryChangedAt: at,
    priorityId: state.priorities.find((p) => p.name === 'Medium')?.id ?? null,
    labels: [],
    componentIds: [],
    assigneeId: null,
    reporterId: actor.accountId,
    creatorId: actor.accountId,
    created: at,
    updated: at,
    resolution: null,
    resolutionDate: null,
    custom: new Map(),
    properties: new Map(),
    comments: [],
    changelog: [],
  };
  applyPatches(issue, patches);
  for (const p of input.properties ?? []) issue.properties.set(p.key, p.value);
  state.issues.set(issue.id, issue);
  state.issueKeys.set(issue.key, issue.id);
  emit(ctx, issue, actor, (base) => ({ ...base, eventType: 'avi:jira:created:issue' }));
  return issue;
}

export type UpdateOperation = { readonly add?: unknown; readonly remove?: unknown; readonly set?: unknown; readonly edit?: unknown };

export function editIssue(ctx: OpContext, actor: Actor, issue: IssueRecord, fields: Record<string, unknown>, update: Record<string, readonly UpdateOperation[]>, properties: readonly PropertyInput[]): void {
  const project = projectOf(ctx.state, issue);
  const merged: Record<string, unknown> = { ...fields };
  const errors: Record<string, string> = {};
  for (const [fieldId, ops] of Object.entries(update)) {
    if (fieldId in fields) {
      errors[fieldId] = `Field '${fieldId}' cannot be set in both 'fields' and 'update'.`;
      continue;
    }
    const resolved = resolveUpdateOps(issue, fieldId, ops);
    if (typeof resolved === 'string') errors[fieldId] = resolved;
    else merged[fieldId] = resolved.value;
  }
  const patches = buildPatches(ctx.state, project, merged, 'edit', errors);
  for (const p of properties) checkPropertyInput(p.key, p.value);
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  const items = applyPatches(issue, patches);
  for (const p of properties) issue.properties.set(p.key, p.value);
  commitChange(ctx, issue, actor, items);
}

/** `update` verbs: `set` for any field, `add`/`remove` for labels. Other verbs are refused like Jira does for fields without them. */
function resolveUpdateOps(issue: IssueRecord, fieldId: string, ops: readonly UpdateOperation[]): { value: unknown } | string {
  let labels = [...issue.labels];
  let value: unknown = undefined;
  for (const op of ops) {
    if ('set' in op) {
      value = op.set;
      if (fieldId === 'labels' && Array.isArray(op.set)) labels = op.set.filter((l): l is string => typeof l === 'string');
    } else if (fieldId === 'labels' && typeof op.add === 'string') {
      labels = [...labels, op.add];
    } else if (fieldId === 'labels' && typeof op.remove === 'string') {
      labels = labels.filter((l) => l !== op.remove);
    } else {
      return `Field '${fieldId}' does not support this update operation.`;
    }
  }
  return { value: fieldId === 'labels' ? labels : value };
}

export function assignIssue(ctx: OpContext, actor: Actor, issue: IssueRecord, accountId: string | null): void {
  if (accountId !== null && !ctx.state.users.has(accountId)) throw new JiraError(404, [`User '${accountId}' does not exist.`]);
  const before = issue.assigneeId;
  if (before === accountId) return;
  const name = (id: string | null): string | null => (id === null ? null : (ctx.state.users.get(id)?.displayName ?? id));
  issue.assigneeId = accountId;
  commitChange(ctx, issue, actor, [{ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: before, fromString: name(before), to: accountId, toString: name(accountId) }]);
}

export function availableTransitions(state: SimState, issue: IssueRecord): TransitionRecord[] {
  const project = projectOf(state, issue);
  return project.workflow.transitions.filter((t) => (t.from.length === 0 || t.from.includes(issue.statusId)) && t.to !== issue.statusId);
}

export function transitionIssue(ctx: OpContext, actor: Actor, issue: IssueRecord, transitionId: string, fields: Record<string, unknown>): void {
  const transition = availableTransitions(ctx.state, issue).find((t) => t.id === transitionId);
  if (!transition) throw badRequest([`Transition id '${transitionId}' is not valid for this issue.`]);
  // The simulated workflows have no transition screens, so any field sent with a transition is refused.
  const fieldNames = Object.keys(fields);
  if (fieldNames.length > 0) throw fieldErrors(Object.fromEntries(fieldNames.map((f) => [f, `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`])));
  const project = projectOf(ctx.state, issue);
  const from = ctx.state.statusOf(project, issue.statusId);
  const to = ctx.state.statusOf(project, transition.to);
  const at = ctx.now();
  const items: ChangeItem[] = [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name }];
  issue.statusId = to.id;
  if (from.category !== to.category) issue.statusCategoryChangedAt = at;
  // Resolution follows the done category (what a standard post-function does), so resolutiondate is meaningful.
  // The transition names it ("Won't Do", "Duplicate"); moving between done statuses keeps the first one.
  const resolutionId = (name: string): string => RESOLUTIONS.find((r) => r.name === name)?.id ?? '10000';
  if (to.category === 'done' && issue.resolution === null) {
    const name = transition.resolution ?? 'Done';
    issue.resolution = name;
    issue.resolutionDate = at;
    items.push({ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: null, fromString: null, to: resolutionId(name), toString: name });
  } else if (to.category !== 'done' && issue.resolution !== null) {
    const name = issue.resolution;
    issue.resolution = null;
    issue.resolutionDate = null;
    items.push({ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: resolutionId(name), fromString: name, to: null, toString: null });
  }
  commitChange(ctx, issue, actor, items);
}

const eventComment = (comment: CommentRecord): EventComment => ({
  id: comment.id,
  body: comment.body,
  author: { accountId: comment.authorId },
  updateAuthor: { accountId: comment.updateAuthorId ?? comment.authorId },
  created: jiraTimestamp(comment.created),
  updated: jiraTimestamp(comment.updated),
});

/**
 * A comment written (created or edited): `avi:jira:commented:issue`, then `avi:jira:mentioned:comment` with every
 * user the body mentions when it mentions any [D events.ts]. Whether an edit that keeps an old mention sends it
 * again is not documented [U]: "each time users are mentioned when a comment is created or edited" is read as yes.
 */
function emitCommentWritten(ctx: OpContext, issue: IssueRecord, actor: Actor, comment: CommentRecord): void {
  emit(ctx, issue, actor, (base) => ({ ...base, eventType: 'avi:jira:commented:issue', comment: eventComment(comment) }));
  const mentionedAccountIds = adfMentionIds(comment.body);
  if (mentionedAccountIds.length === 0) return;
  emit(ctx, issue, actor, ({ associatedUsers: _documentedForCommentedOnly, ...base }) => ({ ...base, eventType: 'avi:jira:mentioned:comment', mentionedAccountIds, comment: eventComment(comment) }));
}

/**
 * POST /issue/{id}/comment. `properties` (the spec's `Comment.properties`, `EntityProperty` items: key and
 * value) are stored with the comment under the same limits as issue properties; a later item with the same
 * key wins, as a PUT of that key would.
 */
export function addComment(ctx: OpContext, actor: Actor, issue: IssueRecord, body: unknown, properties: readonly { key: string; value: unknown }[] = []): CommentRecord {
  if (adfProblem(body) !== null) throw fieldErrors({ comment: 'Comment body is not valid!' });
  for (const p of properties) checkPropertyInput(p.key, p.value);
  const at = ctx.now();
  const stored = properties.length === 0 ? {} : { properties: Object.fromEntries(properties.map((p) => [p.key, p.value])) };
  const comment: CommentRecord = { id: ctx.state.nextId('comment'), authorId: actor.accountId, body, created: at, updated: at, ...stored };
  issue.comments.push(comment);
  issue.updated = at;
  ctx.state.touch(issue.id);
  emitCommentWritten(ctx, issue, actor, comment);
  return comment;
}

/** 404 for a comment the issue does not have (Jira answers the same for one the caller may not see). */
export function requireComment(issue: IssueRecord, commentId: string): CommentRecord {
  const comment = issue.comments.find((c) => c.id === commentId);
  if (!comment) throw new JiraError(404, [`Can not find a comment for the id: ${commentId}.`]);
  return comment;
}

/**
 * *Edit own comments* / *Delete own comments* for everyone, the *all comments* ones for project
 * administrators and apps (the app user's project role holds every project permission). Refused with 400,
 * as the spec says for updateComment and deleteComment ("the user does not have permission").
 */
function requireCommentRight(ctx: OpContext, actor: Actor, issue: IssueRecord, comment: CommentRecord, verb: 'edit' | 'delete'): void {
  if (actor.isApp || actor.accountId === comment.authorId || ctx.state.isProjectAdmin(actor.accountId, issue.projectKey)) return;
  throw badRequest([verb === 'edit' ? 'You do not have the permission to edit this comment.' : 'You do not have permission to delete this comment.']);
}

/**
 * PUT /issue/{id}/comment/{commentId}: a new body. Forge has no `avi:jira:updated:comment`: an edit sends
 * `avi:jira:commented:issue` again, same comment id, later `updated` ("sent each time a comment is created or
 * edited", FORGE_JIRA_EVENTS_REFERENCE; events.ts).
 */
export function editComment(ctx: OpContext, actor: Actor, issue: IssueRecord, commentId: string, body: unknown): CommentRecord {
  const current = requireComment(issue, commentId);
  requireCommentRight(ctx, actor, issue, current, 'edit');
  if (adfProblem(body) !== null) throw fieldErrors({ comment: 'Comment body is not valid!' });
  const at = ctx.now();
  const comment: CommentRecord = { ...current, body, updated: at, updateAuthorId: actor.accountId };
  issue.comments[issue.comments.indexOf(current)] = comment;
  issue.updated = at;
  ctx.state.touch(issue.id);
  emitCommentWritten(ctx, issue, actor, comment);
  return comment;
}

/**
 * DELETE /issue/{id}/comment/{commentId}: fires `avi:jira:deleted:comment` with the comment as it was; its
 * documented payload has no `associatedUsers` (events.ts).
 */
export function deleteComment(ctx: OpContext, actor: Actor, issue: IssueRecord, commentId: string): void {
  const comment = requireComment(issue, commentId);
  requireCommentRight(ctx, actor, issue, comment, 'delete');
  issue.comments.splice(issue.comments.indexOf(comment), 1);
  issue.updated = ctx.now();
  ctx.state.touch(issue.id);
  emit(ctx, issue, actor, ({ associatedUsers: _notInDeletedComment, ...base }) => ({ ...base, eventType: 'avi:jira:deleted:comment', comment: eventComment(comment) }));
}

export function linkIssues(ctx: OpContext, actor: Actor, typeRef: { id?: string | undefined; name?: string | undefined }, inward: IssueRecord, outward: IssueRecord): void {
  const type = ctx.state.linkTypes.find((t) => t.id === typeRef.id || t.name === typeRef.name);
  if (!type) throw new JiraError(404, [`No issue link type with name '${typeRef.name ?? typeRef.id ?? ''}' found.`]);
  const exists = ctx.state.links.some((l) => l.typeId === type.id && l.inwardIssueId === inward.id && l.outwardIssueId === outward.id);
  if (exists) return;
  ctx.state.links.push({ id: ctx.state.nextId('issuelink'), typeId: type.id, inwardIssueId: inward.id, outwardIssueId: outward.id });
  // Jira records a "Link" history item on both ends; link changes do not emit avi:jira:updated:issue here.
  const at = ctx.now();
  const record = (issue: IssueRecord, other: IssueRecord, phrase: string): void => {
    issue.changelog.push({
      id: ctx.state.nextId('changelog'),
      authorId: actor.accountId,
      created: at,
      items: [{ field: 'Link', fieldtype: 'jira', fieldId: 'issuelinks', from: null, fromString: null, to: other.key, toString: `This issue ${phrase} ${other.key}` }],
    });
    issue.updated = at;
    ctx.state.touch(issue.id);
  };
  // Jira's REST semantics: the request's inwardIssue is the source, so "inwardIssue <outward> outwardIssue".
  record(inward, outward, type.outward);
  record(outward, inward, type.inward);
}

/**
 * `DELETE /rest/api/3/issue/{id}`: the issue, its links and its key are gone (a later GET is a 404) and
 * `avi:jira:deleted:issue` goes to the app with the issue as it was. Permission: *Delete issues*, which Jira's
 * default permission scheme grants to the project's administrators (and apps, through the
 * atlassian-addons-project-access role).
 */
export function deleteIssue(ctx: OpContext, actor: Actor, issue: IssueRecord): void {
  const { state } = ctx;
  if (!actor.isApp && !state.isProjectAdmin(actor.accountId, issue.projectKey)) {
    throw new JiraError(403, ['You do not have permission to delete issues in this project.']);
  }
  const fields = eventFields(ctx, issue);
  state.issues.delete(issue.id);
  state.issueKeys.delete(issue.key);
  for (let i = state.links.length - 1; i >= 0; i -= 1) {
    const link = state.links[i];
    if (link && (link.inwardIssueId === issue.id || link.outwardIssueId === issue.id)) state.links.splice(i, 1);
  }
  ctx.bus.emit({
    eventType: 'avi:jira:deleted:issue',
    issue: { id: issue.id, key: issue.key, fields },
    atlassianId: actor.accountId,
    associatedUsers: [{ accountId: actor.accountId }],
    actorIsApp: actor.isApp,
  });
}

/**
 * Moves issues into a sprint (`POST /rest/agile/1.0/sprint/{id}/issue`): an issue is in at most one open
 * (future or active) sprint, so the open one it was in is replaced; closed sprints stay in the field, as in Jira.
 */
export function moveToSprint(ctx: OpContext, actor: Actor, issue: IssueRecord, sprintFieldId: string, sprint: SprintRecord): void {
  const current = issue.custom.get(sprintFieldId);
  const before = current?.kind === 'sprint' ? current.sprints : [];
  if (before.some((s) => s.id === sprint.id)) return;
  const kept = before.filter((s) => (ctx.state.sprints.get(s.id)?.state ?? s.state) === 'closed');
  const after = [...kept, { id: sprint.id, name: sprint.name, state: sprint.state, boardId: sprint.originBoardId }];
  issue.custom.set(sprintFieldId, { kind: 'sprint', sprints: after });
  const field = ctx.state.customFields.get(sprintFieldId);
  commitChange(ctx, issue, actor, [
    {
      field: field?.name ?? 'Sprint',
      fieldtype: 'custom',
      fieldId: sprintFieldId,
      from: before.length > 0 ? before.map((s) => s.id).join(', ') : null,
      fromString: before.length > 0 ? before.map((s) => s.name).join(', ') : null,
      to: after.map((s) => s.id).join(', '),
      toString: after.map((s) => s.name).join(', '),
    },
  ]);
}
