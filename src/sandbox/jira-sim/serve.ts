import type { JiraSimulator } from './app';
import { SimulatedConnectionDrop } from './errors';
import { serveSimulatorApp, type ServeOptions, type ServedSimulator } from '../shared/serve-app';

export type { ServeOptions, ServedSimulator } from '../shared/serve-app';

/** Serves the Jira simulator on 127.0.0.1 (default port 8789). */
export function serveJiraSimulator(sim: JiraSimulator, options: ServeOptions = {}): Promise<ServedSimulator> {
  return serveSimulatorApp(sim.app, (error) => error instanceof SimulatedConnectionDrop, 8789, options);
}
