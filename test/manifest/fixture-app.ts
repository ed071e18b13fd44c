import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The parts of manifest.yml the test cases edit. */
export interface ManifestDoc {
  app: { runtime: { name: string } };
  modules: {
    function: Array<{ key: string; handler: string; timeoutSeconds?: number }>;
    webtrigger: Array<{ function: string }>;
    'jira:issuePanel': Array<{ resolver: { function: string } }>;
  };
  resources: Array<{ key: string; path: string }>;
  permissions: { scopes: string[]; external?: unknown };
}

/** Exports every handler the manifest names; calls one Jira read, one Jira write and KVS, like the real app will. */
export const DEFAULT_INDEX_TS = `import api, { route } from '@forge/api';
import { kvs } from '@forge/kvs';
import { readIssue } from './jira';

export async function ingestWebTrigger() {
  return { statusCode: 202 };
}
export const processQueueEvent = async (): Promise<void> => {
  await kvs.set('last', Date.now());
};
export async function onIssueUpdated(event: { issue: { key: string } }) {
  await readIssue(event.issue.key);
  await api.asApp().requestJira(route\`/rest/api/3/issue/\${event.issue.key}/comment\`, { method: 'POST', body: '{}' });
}
export async function onIssueDeleted(event: { issue: { id: string } }) {
  await kvs.delete(\`pj:issue:\${event.issue.id}\`);
}
const runScheduledSync = async () => undefined;
export { runScheduledSync };
export const runScheduledPeople = async () => undefined;
export const resolver = { getDefinitions: () => [] };
export const validateIncidentClosure = async () => ({ result: true });
export const onAppInstalled = async () => undefined;
`;

export const DEFAULT_JIRA_TS = `import api, { route } from '@forge/api';
export const readIssue = (key: string) => api.asApp().requestJira(route\`/rest/api/3/issue/\${key}\`);
`;

export interface FixtureOptions {
  editManifest?: (m: ManifestDoc) => void;
  files?: Record<string, string | null>;
}

/** A temp app: the project's manifest.yml (edited), the static placeholders and a tiny src/forge tree. */
export function makeApp(options: FixtureOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-check-'));
  const manifest = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'manifest.yml'), 'utf8')) as ManifestDoc;
  // The fixture's own sources read and write Jira and use KVS: exactly these scopes, whatever the project declares now.
  manifest.permissions.scopes = ['read:jira-work', 'write:jira-work', 'storage:app'];
  options.editManifest?.(manifest);
  const files: Record<string, string | null> = {
    'manifest.yml': YAML.stringify(manifest),
    'src/forge/index.ts': DEFAULT_INDEX_TS,
    'src/forge/jira.ts': DEFAULT_JIRA_TS,
    'static/settings/index.html': '<p>settings</p>',
    'static/panel/index.html': '<p>panel</p>',
    'static/panel/icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    ...options.files,
  };
  for (const [rel, content] of Object.entries(files)) {
    if (content === null) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
