/**
 * `npm run bench`: runs every benchmark and prints its figures beside the named baselines and targets.
 * Bounded in time; all load goes to loopback. Pass names to run a subset: `npm run bench -- relay`.
 */
import { benchRelay } from './relay';
import { benchAlerts } from './alerts';
import { benchProjects } from './projects';
import { benchPeople } from './people';
import { benchIncidents } from './incidents';
import { benchIncidentNotes } from './incident-notes';
import { benchUi } from './ui';

interface Benchmark {
  readonly name: string;
  run(): Promise<unknown>;
}

// Each benchmark prints its own figures; the runner only picks and orders them.
const benchmarks: Benchmark[] = [
  { name: 'relay', run: benchRelay },
  { name: 'alerts', run: benchAlerts },
  { name: 'projects', run: benchProjects },
  { name: 'people', run: benchPeople },
  { name: 'incidents', run: benchIncidents },
  { name: 'incident-notes', run: benchIncidentNotes },
  { name: 'ui', run: benchUi },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const bench of benchmarks) {
    if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
    console.log(`\n=== ${bench.name}`);
    await bench.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
