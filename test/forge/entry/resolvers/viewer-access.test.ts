/**
 * getMyAccess: what each page may change, asked when it opens, with the same Administer Projects check the
 * writes make (the settings page's project; the issue's project on the panel), through the local Forge host.
 */
import type { ViewerAccess } from '../../../../src/forge/entry/resolvers/contract';
import { SANDBOX_USERS } from '../../../../src/sandbox/jira-sim';
import { impactSandboxForSuite } from '../../../support/impact-sandbox';

const env = impactSandboxForSuite();

async function settingsAccess(user: keyof typeof SANDBOX_USERS, projectKey: string | undefined): Promise<ViewerAccess> {
  const response = await env.sandbox.forge.request(
    new Request('http://host.local/api/invoke/bridge-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS[user].accountId },
      body: JSON.stringify({ functionKey: 'getMyAccess', payload: {}, extension: projectKey ? { project: { key: projectKey } } : {} }),
    }),
  );
  return ((await response.json()) as { result: ViewerAccess }).result;
}

async function panelAccess(user: keyof typeof SANDBOX_USERS, issueKey: string): Promise<ViewerAccess> {
  const response = await fetch(`${env.sandbox.urls.forgeHost}/api/invoke/bridge-issue-panel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS[user].accountId },
    body: JSON.stringify({ functionKey: 'getMyAccess', payload: {}, extension: { issue: { key: issueKey }, project: { key: issueKey.split('-')[0] } } }),
  });
  return ((await response.json()) as { result: ViewerAccess }).result;
}

test.each([
  ['alice', 'OPS', { canAdminister: true, reason: null }],
  ['bob', 'OPS', { canAdminister: true, reason: null }],
  ['dave', 'OPS', { canAdminister: false, reason: 'you need the Administer Projects permission in OPS' }],
  ['bob', 'PM', { canAdminister: false, reason: 'you need the Administer Projects permission in PM' }],
  ['alice', undefined, { canAdminister: false, reason: 'open the settings from a project you administer' }],
] as const)('settings page: %s in %s', async (user, projectKey, expected) => {
  expect(await settingsAccess(user, projectKey)).toEqual(expected);
});

test.each([
  ['alice', 'OPS-1', { canAdminister: true, reason: null }],
  ['dave', 'OPS-1', { canAdminister: false, reason: 'you need the Administer Projects permission in OPS' }],
  ['bob', 'PM-3', { canAdminister: false, reason: 'you need the Administer Projects permission in PM' }],
] as const)('issue panel: %s on %s', async (user, issueKey, expected) => {
  expect(await panelAccess(user, issueKey)).toEqual(expected);
});
