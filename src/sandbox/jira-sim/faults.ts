/** The Jira simulator's faults: every matching fault applies to one request (see ../shared/fault-registry). */
export { FaultRegistry, type FaultSpec, type ActiveFault } from '../shared/fault-registry';
