import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from './types';

interface Resource {
  key?: unknown;
  path?: unknown;
}

/**
 * Module icons of the form `resource:<resource-key>;<path>` (the form @forge/manifest parses for bundled
 * files) must name a declared resource and a file inside it; @forge/manifest does not check this.
 */
export function checkResourceIcons(appDir: string, modules: Record<string, unknown>, resources: readonly Resource[]): Finding[] {
  const findings: Finding[] = [];
  for (const [type, list] of Object.entries(modules)) {
    if (!Array.isArray(list)) continue;
    for (const mod of list as Array<Record<string, unknown>>) {
      const icon = mod.icon;
      if (typeof icon !== 'string' || !icon.startsWith('resource:')) continue;
      const where = `${type} "${String(mod.key)}" icon "${icon}"`;
      const [key, rel] = icon.slice('resource:'.length).split(';');
      const resource = resources.find((r) => r.key === key);
      if (!key || !rel) {
        findings.push({ severity: 'error', source: 'resource-icons', message: `${where} must be resource:<resource-key>;<path>` });
      } else if (!resource || typeof resource.path !== 'string') {
        findings.push({ severity: 'error', source: 'resource-icons', message: `${where} names resource "${key}", which is not declared in resources` });
      } else if (!fs.existsSync(path.join(appDir, resource.path, rel))) {
        findings.push({ severity: 'error', source: 'resource-icons', message: `${where}: file ${resource.path}/${rel} does not exist` });
      }
    }
  }
  return findings;
}
