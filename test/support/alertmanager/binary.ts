import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The Debian package's binary first (what the fixtures were captured with), then PATH. */
const CANDIDATES = ['/usr/bin/prometheus-alertmanager'];
const PATH_NAMES = ['prometheus-alertmanager', 'alertmanager'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the Alertmanager binary or fails loudly: the e2e tests never skip for want of it. */
export function findAlertmanagerBinary(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromPath = (env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((dir) => PATH_NAMES.map((name) => join(dir, name)));
  const found = [...CANDIDATES, ...fromPath].find(executable);
  if (!found) {
    throw new Error('Prometheus Alertmanager not found (/usr/bin/prometheus-alertmanager). Install it: `bash scripts/ensure-system-packages.sh` (Debian package prometheus-alertmanager).');
  }
  return found;
}
