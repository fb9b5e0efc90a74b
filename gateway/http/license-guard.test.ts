import { describe, expect, it } from "vitest";
import { licenseRuleFor } from "./license-guard.js";

const API = "/api/rest/1.0";

describe("which license a call needs", () => {
  it.each([
    ["POST", "/telephony/calls", "foundation"],
    ["POST", "/telephony/basicCall", "foundation"],
    ["POST", "/telephony/calls/:callRef/answer", "foundation"],
    ["DELETE", "/telephony/calls/:callRef", "foundation"],
    ["POST", "/telephony/calls/:callRef/dropme", "foundation"],
    ["GET", "/telephony/calls", "foundation"],
    ["GET", "/telephony/state", "foundation"],
    ["POST", "/telephony/calls/:callRef/hold", "advancedTelephony"],
    ["POST", "/telephony/calls/:callRef/transfer", "advancedTelephony"],
    ["DELETE", "/telephony/calls/:callRef/participants/:participantId", "advancedTelephony"],
    ["GET", "/routing", "advancedTelephony"],
    ["PUT", "/routing/dnd", "advancedTelephony"],
    ["GET", "/voicemail/:mailboxId/voicemails", "advancedTelephony"],
    ["GET", "/eventsummary", "advancedTelephony"],
    ["GET", "/comlog", "advancedTelephony"],
    ["POST", "/directory/search", "advancedTelephony"],
    ["GET", "/analytics/incidents", "analytics"],
  ])("%s %s: %s", (method, route, license) => {
    expect(licenseRuleFor(method, `${API}${route}`)?.license).toBe(license);
  });

  it.each([
    ["POST", "/sessions"],
    ["POST", "/subscriptions"],
    ["GET", "/users/:loginName"],
    ["GET", "/maintenance/status"],
    ["GET", "/pbxmanagement/:nodeId/model"],
    ["GET", "/telephonyx"],
  ])("%s %s: none per user", (method, route) => {
    expect(licenseRuleFor(method, `${API}${route}`)).toBeNull();
  });

  it("analytics is taken by the administrator calling, the rest for the user acted for", () => {
    expect(licenseRuleFor("GET", `${API}/analytics/charging`)?.subject).toBe("administrator");
    expect(licenseRuleFor("GET", `${API}/routing`)?.subject).toBe("user");
    expect(licenseRuleFor("GET", undefined)).toBeNull();
  });
});
