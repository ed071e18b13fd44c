/**
 * Which bridge the page talks through. Inside Jira the app runs in an iframe and `@forge/bridge` talks to the
 * parent frame; opened directly (the sandbox serves static/ at /static/<resource>/) there is no parent, so
 * the local shim calls the Forge host's `POST /api/invoke/<moduleKey>` instead. Chosen at RUNTIME so one
 * build serves both: a build-time switch would need two outputs in the same resource folder.
 */
import { createLocalBridge, type LocalApp } from './local-bridge';

export interface ForgeContextLike {
  readonly accountId?: string;
  readonly extension: {
    readonly project?: { readonly key?: string; readonly id?: string };
    readonly issue?: { readonly key?: string; readonly id?: string };
  };
}

/**
 * Links to other Jira issues. A Custom UI iframe cannot simply follow an href to Jira (the frame would load
 * Jira inside itself), so the page renders the href for people (copy, middle click) and navigates through
 * the host on a plain click.
 */
export interface IssueLinks {
  /** Where the issue lives, for an `<a href>`; null when the host cannot say. */
  href(issueKey: string): Promise<string | null>;
  /** Shows the issue: Jira's router in Jira, the issue's panel page on the local Forge host. */
  open(issueKey: string): Promise<void>;
}

export interface Bridge {
  readonly local: boolean;
  invoke(functionKey: string, payload?: Record<string, unknown>): Promise<unknown>;
  getContext(): Promise<ForgeContextLike>;
  readonly issues: IssueLinks;
}

export function inForgeFrame(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true; // a cross-origin parent: Jira
  }
}

export async function loadBridge(app: LocalApp): Promise<Bridge> {
  if (!inForgeFrame()) return createLocalBridge(app, window.location, window.localStorage);
  const forge = await import('@forge/bridge');
  // Jira's design tokens (light or dark, as the user chose) for Atlaskit inside the frame.
  void forge.view.theme.enable().catch(() => undefined);
  return {
    local: false,
    invoke: (functionKey, payload) => forge.invoke(functionKey, payload),
    getContext: async () => (await forge.view.getContext()) as unknown as ForgeContextLike,
    issues: {
      href: async (issueKey) => {
        try {
          return (await forge.router.getUrl({ target: 'issue', issueKey }))?.toString() ?? null;
        } catch {
          return null; // the click still navigates through the router
        }
      },
      open: (issueKey) => forge.router.navigate({ target: 'issue', issueKey }),
    },
  };
}
