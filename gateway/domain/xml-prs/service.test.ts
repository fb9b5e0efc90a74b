import { describe, expect, it } from "vitest";
import type { PrsRequest } from "../../../protocols/prs/index.js";
import { DEFAULT_GATEWAY_CONFIG } from "../../config/index.js";
import { UserDirectory } from "../directory.js";
import { Licenses, NO_FILE_QUOTAS } from "../licensing/index.js";
import type { FetchedPage, PageFetch } from "./fetch-page.js";
import { PageFetchError } from "./fetch-page.js";
import { XmlPrsService } from "./service.js";

const PAGE = '<IPTouch title="Home"><Text>hi</Text></IPTouch>';

function setup(
  answer: (req: PageFetch) => FetchedPage | Promise<FetchedPage> = () => ({
    status: 200,
    contentType: "application/xml",
    body: PAGE,
  }),
) {
  const directory = new UserDirectory();
  for (const dn of ["10001", "10002"])
    directory.addUser(1, {
      directoryNumber: dn,
      lastName: "L",
      firstName: "F",
      stationType: "IPTouch8068",
      loginName: `oxe${dn}`,
    });
  directory.addUser(2, {
    directoryNumber: "20001",
    lastName: "L",
    firstName: "F",
    stationType: "IPTouch8068",
    loginName: "oxe20001",
  });
  const licenses = new Licenses({ source: { state: "NONE", message: "", verified: null } });
  const calls: PageFetch[] = [];
  const svc = new XmlPrsService({
    directory,
    licenses,
    settings: DEFAULT_GATEWAY_CONFIG.xmlPrs,
    log: () => {},
    fetch: async (req) => {
      calls.push(req);
      return answer(req);
    },
  });
  return { svc, licenses, calls };
}

let id = 0;
const req = (over: Partial<PrsRequest>): PrsRequest => ({
  type: "request",
  id: ++id,
  device: "10001",
  start: false,
  method: "GET",
  url: "https://app.example:8443/xml/",
  ...over,
});

describe("XML PRS requests at the gateway", () => {
  it("fetches the page with the set's identity and the form, and takes the license at the start only", async () => {
    const { svc, licenses, calls } = setup();
    const r = await svc.handle(1, req({ start: true }));
    expect(r).toMatchObject({ type: "page", url: "https://app.example:8443/xml/", xml: PAGE });
    expect(licenses.holds("xmlIpTouch", "oxe10001")).toBe(true);
    await svc.handle(1, req({ url: "https://app.example:8443/xml/results", form: { q: "12" } }));
    expect(calls[1]).toMatchObject({
      method: "GET",
      form: { q: "12" },
      headers: { "x-oxe-device": "10001", "x-oxe-node": "1", "x-oxe-user": "oxe10001" },
    });
    expect(licenses.used("xmlIpTouch")).toBe(1);
  });

  it("refuses a set of another node, or no user's, without calling anything", async () => {
    const { svc, calls } = setup();
    expect(await svc.handle(1, req({ device: "20001", start: true }))).toMatchObject({
      reason: "unknownDevice",
    });
    expect(await svc.handle(1, req({ device: "999", start: true }))).toMatchObject({
      reason: "unknownDevice",
    });
    expect(calls).toHaveLength(0);
  });

  it("calls only the origin of the application the set started, over https", async () => {
    const { svc, calls } = setup();
    expect(await svc.handle(1, req({ start: true, url: "http://app.example/xml/" }))).toMatchObject({
      reason: "forbidden",
    });
    expect(await svc.handle(1, req({ start: true, url: "https://u:p@app.example/" }))).toMatchObject({
      reason: "forbidden",
    });
    await svc.handle(1, req({ start: true }));
    for (const url of ["https://intranet.example/admin", "https://app.example:9443/xml/", "not a url"])
      expect(await svc.handle(1, req({ url }))).toMatchObject({ type: "failure", reason: "forbidden" });
    expect(calls).toHaveLength(1);
  });

  it("refuses a second user without a license file (1 XML IP Touch user), and a request of a set that never started", async () => {
    const { svc, licenses } = setup();
    expect(NO_FILE_QUOTAS.xmlIpTouch).toBe(1);
    expect(await svc.handle(1, req({ start: true }))).toMatchObject({ type: "page" });
    expect(await svc.handle(1, req({ device: "10002", start: true }))).toEqual({
      type: "failure",
      id,
      reason: "license",
      message: "No XML IP Touch license left",
    });
    expect(await svc.handle(1, req({ device: "10002" }))).toMatchObject({ reason: "license" });
    expect(licenses.used("xmlIpTouch")).toBe(1);
  });

  it("reports an application that fails, answers an error status or a page outside the subset", async () => {
    let answer: () => FetchedPage = () => {
      throw new PageFetchError("no answer within 5000 ms");
    };
    const { svc } = setup(() => answer());
    expect(await svc.handle(1, req({ start: true }))).toMatchObject({
      reason: "unreachable",
      message: "Application unreachable: no answer within 5000 ms",
    });
    answer = () => ({ status: 500, contentType: "text/plain", body: "oops" });
    expect(await svc.handle(1, req({ start: true }))).toMatchObject({
      reason: "unreachable",
      message: "Application error: HTTP 500",
    });
    answer = () => ({ status: 200, contentType: "application/xml", body: "<IPTouch><Blink/></IPTouch>" });
    expect(await svc.handle(1, req({ start: true }))).toMatchObject({
      reason: "badPage",
      message: "Page not supported: <Blink> is not supported",
    });
  });
});
