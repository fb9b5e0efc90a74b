/**
 * CSTA Phase III (ECMA-269 services, ECMA-285 BER) as the OXE link uses it.
 *
 * Standard: operation codes, tags and types come from the ECMA-285 ASN.1 modules.
 * Ours (the OXE's private details are not public): the application context name we send is the
 * one CSTA switches are seen to use (1.3.12.0.218), any ECMA CSTA context is accepted; calling
 * applications authenticate with ACSE's password mechanism (see protocols/acse); framing is the
 * two-octet length prefix (see protocols/framing).
 */
import { operationTable } from "../rose/index.js";
import * as agents from "./agent-services.js";
import * as callbacks from "./callbacks.js";
import { cstaEventReport } from "./events.js";
import * as features from "./feature-services.js";
import * as routing from "./routing-services.js";
import * as services from "./services.js";

export * from "./agent-services.js";
export * from "./call-options.js";
export * from "./callbacks.js";
export * from "./ccd-private.js";
export * from "./common.js";
export * from "./enums.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./feature-services.js";
export * from "./routing-services.js";
export * from "./services.js";
export * from "./text-messages.js";

export const CSTA_APPLICATION_CONTEXT = "1.3.12.0.218";

/** Any application context under { iso(1) identified-organization(3) icd-ecma(12) standard(0) csta(180|218|285) }. */
export function isCstaApplicationContext(oid: string): boolean {
  return /^1\.3\.12\.0\.(180|218|285)(\.\d+)*$/.test(oid);
}

export const CSTA_OPERATIONS = operationTable({
  systemStatus: services.systemStatus,
  monitorStart: services.monitorStart,
  monitorStop: services.monitorStop,
  snapshotDevice: services.snapshotDevice,
  snapshotCall: services.snapshotCall,
  makeCall: services.makeCall,
  answerCall: services.answerCall,
  clearCall: services.clearCall,
  clearConnection: services.clearConnection,
  holdCall: services.holdCall,
  retrieveCall: services.retrieveCall,
  consultationCall: services.consultationCall,
  transferCall: services.transferCall,
  conferenceCall: services.conferenceCall,
  alternateCall: services.alternateCall,
  reconnectCall: services.reconnectCall,
  deflectCall: services.deflectCall,
  singleStepTransfer: services.singleStepTransfer,
  parkCall: services.parkCall,
  generateDigits: services.generateDigits,
  setForwarding: services.setForwarding,
  getForwarding: services.getForwarding,
  setDoNotDisturb: services.setDoNotDisturb,
  getDoNotDisturb: services.getDoNotDisturb,
  callBack: callbacks.callBack,
  callBackNonCallRelated: callbacks.callBackNonCallRelated,
  cancelCallBack: callbacks.cancelCallBack,
  getCallBack: callbacks.getCallBack,
  directedPickupCall: features.directedPickupCall,
  intrudeCall: features.intrudeCall,
  associateData: features.associateData,
  escape: features.escapeService,
  setAgentState: agents.setAgentState,
  getAgentState: agents.getAgentState,
  routeRegister: routing.routeRegister,
  routeRegisterCancel: routing.routeRegisterCancel,
  routeRequest: routing.routeRequest,
  reRoute: routing.reRoute,
  routeSelect: routing.routeSelect,
  routeEnd: routing.routeEnd,
  cstaEventReport,
});
