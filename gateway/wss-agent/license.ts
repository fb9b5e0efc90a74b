/**
 * The Cloud Connectivity license, which O2G requires for the WSS agent: consulted on each
 * connection and every `licenseCheckMs` (24 h). The gateway passes the agent its license check
 * (`core.licenses.allows("cloudConnectivity")`, gateway/gateway.ts); this default is what an agent
 * built without one (a unit test) answers.
 */
export function cloudConnectivityLicensed(): boolean {
  return true;
}
