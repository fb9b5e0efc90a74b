/**
 * What the node checks before it places a MakeCall that asks more than a plain call (O2G's
 * makePrivateCall, makeBusinessCall, makeCallEx), against the caller's configuration as the
 * node's management (CMIP) holds it:
 *
 * - authCode (private call): the caller's PIN (Subscriber Pin_Number; a set with none cannot
 *   place private calls), followed by `#` and the secret code when the PIN is With_Secret_Code
 *   (the secret code is the user's personal code, their password). Refused: invalidAuthorizationCode.
 * - accountCode (business call): a Cost_Center of the node; refused: invalidAccountCode.
 * - callingNumber (private data, see protocols/csta/call-options.ts): the node presents only a
 *   number of its own in place of the caller's, one of its subscribers or hunting groups (CLI
 *   substitution within the installation, e.g. a department's number); anything else:
 *   privilegeViolationOnCallingDevice.
 */
import type { MakeCallArgument } from "../../../protocols/csta/index.js";
import { nodeConfig, SUBSCRIBER_ATTRIBUTES as SUB } from "../../mib/index.js";
import type { Call, Device } from "../../model/index.js";
import { type MakeCallOptions, ModelError, type Network } from "../../model/index.js";

export function makeCallOptions(net: Network, caller: Device, arg: MakeCallArgument): MakeCallOptions {
  const opts: MakeCallOptions = {};
  if (arg.autoOriginate) opts.autoOriginate = arg.autoOriginate;
  if (arg.correlatorData) opts.correlatorData = arg.correlatorData;
  const config = nodeConfig(net.directory, caller.nodeId);
  if (arg.authCode !== undefined) {
    const set = config.sets.get(caller.number);
    const pin = String(set?.get(SUB.Pin_Number!) ?? "");
    const withSecret = set?.get(SUB.With_Secret_Code!) === true;
    const [given, secret] = splitAuthCode(arg.authCode);
    const secretOk = !withSecret || secret === caller.subscriber.password;
    if (pin === "" || given !== pin || !secretOk)
      throw new ModelError("invalidAuthorizationCode", `wrong PIN for a private call from ${caller.number}`);
    opts.privateCall = true;
  }
  if (arg.accountCode !== undefined) {
    const cc = /^\d{1,3}$/.test(arg.accountCode) ? Number(arg.accountCode) : Number.NaN;
    if (!config.costCenters.has(cc))
      throw new ModelError(
        "invalidAccountCode",
        `${arg.accountCode} is no cost center of node ${caller.nodeId}`,
      );
    opts.accountCode = String(cc);
  }
  const presented = arg.options?.callingNumber;
  if (presented !== undefined && presented !== caller.number) {
    const own = net.devices.get(presented)?.nodeId === caller.nodeId || net.huntingGroups.get(presented);
    if (!own)
      throw new ModelError(
        "privilegeViolationOnCallingDevice",
        `node ${caller.nodeId} does not present ${presented} for ${caller.number}`,
      );
    opts.callingNumber = presented;
  }
  if (arg.options?.inhibitProgressTone) opts.inhibitProgressTone = true;
  if (arg.options?.callProfile) opts.callProfile = arg.options.callProfile;
  return opts;
}

/** `PIN` or `PIN#secret`. */
function splitAuthCode(code: string): [string, string | undefined] {
  const i = code.indexOf("#");
  return i < 0 ? [code, undefined] : [code.slice(0, i), code.slice(i + 1)];
}

/**
 * How the node shows the call's parties to `observer` (a party sees its own number): the
 * substitutions, or undefined when every party shows as itself.
 */
export function presentationFor(call: Call, observer: Device): Record<string, string | null> | undefined {
  if (!call.presentation) return undefined;
  let out: Record<string, string | null> | undefined;
  for (const [n, v] of call.presentation) {
    if (n === observer.number) continue;
    out ??= {};
    out[n] = v;
  }
  return out;
}

/** A party as `shown` presents it. */
export function presented(
  party: string | null,
  shown: Record<string, string | null> | undefined,
): string | null {
  return party !== null && shown && party in shown ? (shown[party] ?? null) : party;
}
