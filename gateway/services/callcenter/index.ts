export { callCenterAgentService } from "./agent.js";
export { callCenterManagementService } from "./management.js";
export { callCenterPilotService } from "./pilot.js";
export { callCenterRealtimeService } from "./realtime.js";
export { callCenterStatisticsService } from "./statistics.js";
export { supervisorCallee } from "./supervisor-call.js";
