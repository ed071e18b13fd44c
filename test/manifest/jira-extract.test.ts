import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkManifest } from '../../scripts/manifest-check';
import { DEFAULT_SPEC_DIR, EXTRACT_FILE, PLATFORM_SPEC_FILE, extractOperations, type Swagger } from '../../scripts/manifest-check/jira-spec';
import { makeApp } from './fixture-app';

jest.setTimeout(120_000);

const pinned = path.join(DEFAULT_SPEC_DIR, PLATFORM_SPEC_FILE);

describe('committed Jira operations extract (fallback when ../shared is absent)', () => {
  (fs.existsSync(pinned) ? it : it.skip)('equals what the pinned spec gives for the same operations', () => {
    const spec = JSON.parse(fs.readFileSync(pinned, 'utf8')) as Swagger;
    expect(JSON.parse(fs.readFileSync(EXTRACT_FILE, 'utf8'))).toEqual(extractOperations(spec));
  });

  it('still catches a missing write scope when the pinned spec is not there', async () => {
    const dir = makeApp({ editManifest: (m) => void (m.permissions.scopes = ['read:jira-work', 'storage:app']) });
    const noSpecs = fs.mkdtempSync(path.join(os.tmpdir(), 'no-specs-'));
    try {
      const r = await checkManifest({ appDir: dir, jiraSpecDir: noSpecs });
      expect(r.jiraSpec).toMatch(/committed extract/);
      expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([
        expect.stringMatching(/POST \/rest\/api\/3\/issue\/\{issueIdOrKey\}\/comment requires "write:jira-work"/),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(noSpecs, { recursive: true, force: true });
    }
  });
});
