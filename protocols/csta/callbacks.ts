/**
 * Call back (ECMA-269 §17.1.4 and §22.1.1, §22.1.3, §22.1.8; ECMA-285's CSTA-call-back-call-related,
 * CSTA-call-back-non-call-related, CSTA-cancel-call-back and CSTA-get-call-back modules): a caller
 * who finds the callee busy or not answering asks the switch to call back; the switch keeps one
 * request per originator/target pair and calls the originator back when the target frees up.
 *
 * All standard, codes and shapes from the modules:
 *   callBack (215)                ARGUMENT SEQUENCE { callbackConnection ConnectionID, callCharacteristics
 *                                 OPTIONAL, subjectOfCall [0], languagePreferences [1], extensions OPTIONAL }
 *                                 RESULT SEQUENCE { targetDevice DeviceID OPTIONAL, extensions OPTIONAL }
 *   callBackNonCallRelated (300)  ARGUMENT SEQUENCE { originatingDevice DeviceID, targetDevice DeviceID,
 *                                 extensions OPTIONAL } RESULT CHOICE { extensions, noData NULL }
 *   cancelCallBack (302)          the same argument and result as callBackNonCallRelated
 *   getCallBack (378)             ARGUMENT SEQUENCE { device DeviceID, extensions OPTIONAL }
 *                                 RESULT SEQUENCE { callBackList SEQUENCE OF SEQUENCE { originatingDevice
 *                                 DeviceID, targetDevice DeviceID, callBackMessageIndicator BOOLEAN
 *                                 OPTIONAL }, extensions OPTIONAL }
 * The optional components we neither send nor use are skipped on input.
 */
import { U } from "../ber/index.js";
import { defineOperation } from "../rose/index.js";
import {
  type ConnectionId,
  type DeviceId,
  readConnectionId,
  readDeviceId,
  readNoData,
  skipRest,
  writeConnectionId,
  writeDeviceId,
  writeNoData,
} from "./common.js";

export interface CallBackArgument {
  /** the requesting (calling) device's connection in the call that found the callee busy or ringing */
  callbackConnection: ConnectionId;
}
export interface CallBackResult {
  /** the device that will be called back, when the switch says */
  targetDevice: DeviceId | undefined;
}

export const callBack = defineOperation<CallBackArgument, CallBackResult>({
  name: "callBack",
  opcode: 215,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.callbackConnection);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const callbackConnection = readConnectionId(r);
    skipRest(r);
    r.leave();
    return { callbackConnection };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    if (res.targetDevice !== undefined) writeDeviceId(w, res.targetDevice);
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const targetDevice = r.isNext(U.SEQUENCE) ? readDeviceId(r) : undefined;
    skipRest(r);
    r.leave();
    return { targetDevice };
  },
});

/** originatingDevice asks to be called back by (or when) targetDevice (frees up). */
export interface CallBackPair {
  originatingDevice: DeviceId;
  targetDevice: DeviceId;
}

function pairService(name: string, opcode: number) {
  return defineOperation<CallBackPair, undefined>({
    name,
    opcode,
    encodeArgument(w, a) {
      w.begin(U.SEQUENCE);
      writeDeviceId(w, a.originatingDevice);
      writeDeviceId(w, a.targetDevice);
      w.end();
    },
    decodeArgument(r) {
      r.enter();
      const originatingDevice = readDeviceId(r);
      const targetDevice = readDeviceId(r);
      skipRest(r);
      r.leave();
      return { originatingDevice, targetDevice };
    },
    encodeResult: writeNoData,
    decodeResult: readNoData,
  });
}

export const callBackNonCallRelated = pairService("callBackNonCallRelated", 300);
export const cancelCallBack = pairService("cancelCallBack", 302);

export interface CallBackListEntry extends CallBackPair {
  callBackMessageIndicator?: boolean;
}

export const getCallBack = defineOperation<{ device: DeviceId }, { callBackList: CallBackListEntry[] }>({
  name: "getCallBack",
  opcode: 378,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    skipRest(r);
    r.leave();
    return { device };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE).begin(U.SEQUENCE);
    for (const e of res.callBackList) {
      w.begin(U.SEQUENCE);
      writeDeviceId(w, e.originatingDevice);
      writeDeviceId(w, e.targetDevice);
      if (e.callBackMessageIndicator !== undefined) w.boolean(e.callBackMessageIndicator);
      w.end();
    }
    w.end().end();
  },
  decodeResult(r) {
    r.enter().enter();
    const callBackList: CallBackListEntry[] = [];
    while (!r.atEnd()) {
      r.enter();
      const e: CallBackListEntry = { originatingDevice: readDeviceId(r), targetDevice: readDeviceId(r) };
      if (r.isNext(U.BOOLEAN)) e.callBackMessageIndicator = r.boolean();
      skipRest(r);
      r.leave();
      callBackList.push(e);
    }
    r.leave();
    skipRest(r);
    r.leave();
    return { callBackList };
  },
});
