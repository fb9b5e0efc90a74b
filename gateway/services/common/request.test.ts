/**
 * Who a request acts for: a user session's `loginName` naming someone else is ignored and
 * logged once per session and name (a login in the path still names the resource: 403); an
 * administrator's device-addressed request acts for the device's owner.
 */
import type { FastifyRequest } from "fastify";
import { describe, expect, it, vi } from "vitest";
import type { GatewayCore } from "../../core.js";
import { UserDirectory } from "../../domain/directory.js";
import type { Session } from "../../domain/sessions.js";
import { deviceUser, targetUser } from "./request.js";

function setup() {
  const directory = new UserDirectory();
  for (const n of ["10001", "10002"])
    directory.addUser(1, {
      directoryNumber: n,
      lastName: n,
      firstName: "",
      stationType: "ALE-400",
      loginName: `oxe${n}`,
    });
  const core = { directory } as unknown as GatewayCore;
  const warn = vi.fn();
  const req = (query: Record<string, string> = {}, params: Record<string, string> = {}) =>
    ({ query, params, log: { warn } }) as unknown as FastifyRequest;
  const session = (login: string, admin = false) =>
    ({ principal: { login, admin }, supervised: null, open: true }) as unknown as Session;
  return { core, warn, req, session };
}

describe("targetUser", () => {
  it("ignores another user's loginName in the query, and says so once per session and name", () => {
    const { core, warn, req, session } = setup();
    const s = session("oxe10001");
    expect(targetUser(core, req({ loginName: "oxe10002" }), s).loginName).toBe("oxe10001");
    expect(targetUser(core, req({ loginName: "oxe10002" }), s).loginName).toBe("oxe10001");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("oxe10002");
    targetUser(core, req({ loginName: "oxe10002" }), session("oxe10001"));
    expect(warn).toHaveBeenCalledTimes(2);
    targetUser(core, req({ loginName: "oxe10001" }), s);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it("refuses another user's login named in the path", () => {
    const { core, req, session } = setup();
    expect(() =>
      targetUser(core, req({}, { loginName: "oxe10002" }), session("oxe10001"), "oxe10002"),
    ).toThrow(expect.objectContaining({ status: 403 }));
  });

  it("has an administrator act for the one it names", () => {
    const { core, req, session } = setup();
    expect(targetUser(core, req({ loginName: "oxe10002" }), session("admin", true)).loginName).toBe(
      "oxe10002",
    );
    expect(() => targetUser(core, req(), session("admin", true))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});

describe("deviceUser", () => {
  it("has an administrator naming nobody act for the device's owner; an unknown device is a 404", () => {
    const { core, req, session } = setup();
    const admin = session("admin", true);
    expect(deviceUser(core, req(), admin, undefined, "10002").loginName).toBe("oxe10002");
    expect(deviceUser(core, req({ loginName: "oxe10001" }), admin, undefined, "10002").loginName).toBe(
      "oxe10001",
    );
    expect(() => deviceUser(core, req(), admin, undefined, "19999")).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });

  it("keeps a user to themself whatever device they name (the device check says 403)", () => {
    const { core, req, session } = setup();
    expect(deviceUser(core, req(), session("oxe10001"), undefined, "10002").loginName).toBe("oxe10001");
  });
});
