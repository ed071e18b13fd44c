import { DEFAULT_IMPACT_SIM_PORT, type ImpactSimulator } from './app';
import { ImpactConnectionDrop } from './errors';
import { serveSimulatorApp, type ServeOptions, type ServedSimulator } from '../shared/serve-app';

export type ServeImpactOptions = ServeOptions;
/** `close()` stops the server; pending webhook retries are left to `sim.webhooks.stop()`. */
export type ServedImpactSimulator = ServedSimulator;

/** Serves the Impact simulator on 127.0.0.1 (default port 8790). */
export function serveImpactSimulator(sim: ImpactSimulator, options: ServeImpactOptions = {}): Promise<ServedImpactSimulator> {
  return serveSimulatorApp(sim.app, (error) => error instanceof ImpactConnectionDrop, DEFAULT_IMPACT_SIM_PORT, options);
}
