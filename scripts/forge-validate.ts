/**
 * `npm run forge:validate`: checks manifest.yml and the Forge sources offline (what `forge lint` checks
 * client-side, without its login and network), for CI. Exit 0 = no errors; 1 = errors; 2 = the check crashed.
 * Usage: tsx scripts/forge-validate.ts [appDir] [--write-jira-extract]
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkManifest, formatReport, installNetworkGuard } from './manifest-check';
import { DEFAULT_SPEC_DIR, EXTRACT_FILE, PLATFORM_SPEC_FILE, extractOperations, type Swagger } from './manifest-check/jira-spec';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--write-jira-extract')) {
    const spec = JSON.parse(fs.readFileSync(path.join(DEFAULT_SPEC_DIR, PLATFORM_SPEC_FILE), 'utf8')) as Swagger;
    fs.writeFileSync(EXTRACT_FILE, JSON.stringify(extractOperations(spec), null, 2) + '\n');
    console.log(`wrote ${EXTRACT_FILE}`);
    return 0;
  }
  const appDir = argv.find((a) => !a.startsWith('--')) ?? path.resolve(__dirname, '..');
  const guard = installNetworkGuard();
  try {
    const report = await checkManifest({ appDir });
    console.log(formatReport(report));
    if (guard.attempts.length > 0) {
      console.log(`manifest.yml: error the check tried to reach the network: ${guard.attempts.join(', ')}`);
      return 1;
    }
    return report.errorCount > 0 ? 1 : 0;
  } finally {
    guard.uninstall();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('forge-validate crashed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 2;
  },
);
