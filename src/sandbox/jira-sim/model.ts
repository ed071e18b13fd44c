/** The simulator's in-memory data model: what a Jira Cloud site holds, minus everything we never call. */

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusCategory {
  readonly id: number;
  readonly key: StatusCategoryKey;
  readonly name: 'To Do' | 'In Progress' | 'Done';
  readonly colorName: 'blue-gray' | 'yellow' | 'green';
}

/** Jira's fixed status categories: ids 2/4/3 with these keys, names and colours. */
export const STATUS_CATEGORIES: Readonly<Record<StatusCategoryKey, StatusCategory>> = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};

export interface UserRecord {
  readonly accountId: string;
  displayName: string;
  emailAddress: string;
  /** Profile visibility "only me": Jira then omits emailAddress from every response. */
  hideEmail: boolean;
  readonly accountType: 'atlassian' | 'app';
  active: boolean;
  timeZone: string;
}

export interface StatusRecord {
  readonly id: string;
  readonly name: string;
  readonly category: StatusCategoryKey;
  readonly description: string;
}

export interface TransitionRecord {
  readonly id: string;
  readonly name: string;
  /** Status ids it may start from; empty means global (from any status). */
  readonly from: readonly string[];
  readonly to: string;
  /**
   * Resolution a transition into a done status sets (a transition screen or post-function does this in Jira);
   * default "Done". E.g. "Won't Do" and "Duplicate" in the software workflow.
   */
  readonly resolution?: string;
}

export interface WorkflowRecord {
  readonly name: string;
  readonly initialStatusId: string;
  readonly statuses: readonly StatusRecord[];
  readonly transitions: readonly TransitionRecord[];
}

export interface IssueTypeRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly subtask: boolean;
}

export interface ComponentRecord {
  readonly id: string;
  readonly name: string;
}

export interface ProjectRecord {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly leadAccountId: string;
  readonly issueTypes: readonly IssueTypeRecord[];
  readonly components: ComponentRecord[];
  readonly workflow: WorkflowRecord;
}

export interface PriorityRecord {
  readonly id: string;
  readonly name: string;
  readonly statusColor: string;
}

export interface SelectOption {
  readonly id: string;
  readonly value: string;
  readonly disabled: boolean;
}

/** Custom fields the simulator understands; anything else is "not on the screen". */
export type CustomFieldDef =
  | { readonly kind: 'select'; readonly id: string; readonly name: string; readonly contextId: string; readonly options: SelectOption[] }
  | { readonly kind: 'string'; readonly id: string; readonly name: string }
  | { readonly kind: 'number'; readonly id: string; readonly name: string }
  /** Jira Software's Sprint field (`com.pyxis.greenhopper.jira:gh-sprint`): an array of sprint objects. */
  | { readonly kind: 'sprint'; readonly id: string; readonly name: string };

/** One sprint as the Sprint field renders it. */
export interface SprintValue {
  readonly id: number;
  readonly name: string;
  readonly state: 'active' | 'closed' | 'future';
  readonly boardId: number;
}

export type CustomFieldValue =
  | { readonly kind: 'select'; readonly optionId: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'sprint'; readonly sprints: readonly SprintValue[] }
  /** Seeded verbatim (tests only): a value of the wrong shape, as after a field's type was changed. */
  | { readonly kind: 'raw'; readonly value: unknown };

export interface ChangeItem {
  readonly field: string;
  readonly fieldtype: 'jira' | 'custom';
  readonly fieldId: string;
  readonly from: string | null;
  readonly fromString: string | null;
  readonly to: string | null;
  readonly toString: string | null;
}

export interface ChangelogRecord {
  readonly id: string;
  readonly authorId: string;
  readonly created: number;
  readonly items: readonly ChangeItem[];
}

export interface CommentRecord {
  readonly id: string;
  readonly authorId: string;
  readonly body: unknown;
  readonly created: number;
  readonly updated: number;
  /** Who last edited it (absent: never edited, the author). */
  readonly updateAuthorId?: string;
  /** Comment entity properties set on create (`Comment.properties`: "Optional on create and update"), by key. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface IssueRecord {
  readonly id: string;
  readonly key: string;
  readonly projectKey: string;
  issueTypeId: string;
  summary: string;
  description: unknown;
  statusId: string;
  statusCategoryChangedAt: number;
  priorityId: string | null;
  labels: string[];
  componentIds: string[];
  assigneeId: string | null;
  reporterId: string | null;
  readonly creatorId: string;
  readonly created: number;
  updated: number;
  /** Resolution name ("Done", "Won't Do", "Duplicate", …; ids in RESOLUTIONS), null while unresolved. */
  resolution: string | null;
  resolutionDate: number | null;
  readonly custom: Map<string, CustomFieldValue>;
  readonly properties: Map<string, unknown>;
  readonly comments: CommentRecord[];
  readonly changelog: ChangelogRecord[];
}

/** Jira Cloud's default resolutions and their ids (a new site's Settings → Issues → Resolutions). */
export const RESOLUTIONS: readonly { readonly id: string; readonly name: string; readonly description: string }[] = [
  { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
  { id: '10001', name: "Won't Do", description: 'This issue won\'t be actioned.' },
  { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
  { id: '10003', name: 'Cannot Reproduce', description: 'This issue could not be reproduced.' },
];

/** A Jira Software board (`/rest/agile/1.0/board`): one project's board in this simulator. */
export interface BoardRecord {
  readonly id: number;
  readonly name: string;
  readonly type: 'scrum' | 'kanban';
  readonly projectKey: string;
}

/** A sprint (`/rest/agile/1.0/sprint`): future → active (start and end dates set) → closed (completeDate). */
export interface SprintRecord {
  readonly id: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  readonly originBoardId: number;
  goal: string;
  startDate: number | null;
  endDate: number | null;
  completeDate: number | null;
  readonly createdDate: number;
}

export interface IssueLinkTypeRecord {
  readonly id: string;
  readonly name: string;
  readonly inward: string;
  readonly outward: string;
}

export interface IssueLinkRecord {
  readonly id: string;
  readonly typeId: string;
  readonly inwardIssueId: string;
  readonly outwardIssueId: string;
}
