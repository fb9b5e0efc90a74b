export { callCenterAgentService } from "./agent.js";
export { callCenterManagementNotBuilt, callCenterRealtimeNotBuilt } from "./not-built.js";
export { callCenterPilotService } from "./pilot.js";
export { supervisorCallee } from "./supervisor-call.js";
