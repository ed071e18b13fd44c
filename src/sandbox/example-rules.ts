/** The example alert rules `npm start` loads into an empty sandbox (also used by the restart test). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importRulesYaml } from '../forge/domain/alerts';
import { StorageKeys } from '../forge/constants';
import type { Sandbox } from './sandbox';

/** The sample notification the README's curl sends. */
export const SAMPLE_ALERT_FILE = join(__dirname, '../../examples/alertmanager-firing.json');

/** An empty sandbox gets the example rules, so the sample alert makes an issue; existing rules are kept. */
export function loadExampleRules(forge: Sandbox['forge']): string {
  const existing = forge.kvs.get({ kind: 'kv' }, StorageKeys.alertRules);
  if (existing.ok) return 'Alert rules: kept the ones already stored in the sandbox.';
  const file = join(__dirname, '../../examples/alert-rules.yaml');
  const rules = importRulesYaml(readFileSync(file, 'utf8'));
  if (!rules.ok) throw new Error(`examples/alert-rules.yaml: ${rules.error.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const stored = forge.kvs.set({ kind: 'kv' }, StorageKeys.alertRules, { version: 1, revision: 1, rules: rules.value });
  if (!stored.ok) throw new Error(stored.failure.message);
  return `Alert rules: loaded ${rules.value.length} example rules from examples/alert-rules.yaml (edit them in the settings page).`;
}

