import { FaultRegistry, type ActiveFault, type FaultSpec } from '../shared/fault-registry';

/** Impact faults: at most one failure per request, so failures injected in a row hit consecutive calls. */
export type ImpactFaultSpec = FaultSpec;
export type ActiveImpactFault = ActiveFault;

export class ImpactFaultRegistry extends FaultRegistry {
  constructor() {
    super({ failuresPerRequest: 'one' });
  }
}
