import { useEffect, useState, type MouseEvent } from 'react';
import type { Bridge } from './bridge';

/**
 * A link to another issue: a real `<a href>` (its accessible name is the key) whose plain click navigates
 * through the bridge, as a Custom UI iframe must; modified clicks (new tab, copy) keep the browser's way.
 */
export function IssueLink({ bridge, issueKey, testId }: { bridge: Bridge; issueKey: string; testId?: string }) {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    bridge.issues.href(issueKey).then(
      (h) => live && setHref(h),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [bridge, issueKey]);
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void bridge.issues.open(issueKey);
  };
  return (
    <a href={href ?? '#'} onClick={onClick} data-testid={testId}>
      {issueKey}
    </a>
  );
}
