import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { startSandbox } from "./test/support/sandbox.js";
const sb = await startSandbox({ users: 10 });
const d = new Agent({ connect: { ca: readFileSync(sb.gateway.caFile) } });
const c = await sb.loginUser(sb.emulator.directory.subscribers[0]!.directoryNumber);
const cookie = (c as unknown as { cookie?: string }).cookie;
const base = sb.gateway.url;
async function probe(method: string, path: string, headers: Record<string,string> = {}, body?: string) {
  const r = await request(base + path, { method: method as "GET", headers: { ...headers }, body, dispatcher: d });
  const t = await r.body.text();
  console.log(method, path.slice(0, 70), r.statusCode, r.headers["www-authenticate"] ?? "", t.slice(0, 160));
}
await probe("GET", "/api/rest/1.0/telephony/calls/%FF%FE");
await probe("GET", "/api/rest/1.0/telephony/calls/" + "a".repeat(150));
await probe("POST", "/api/rest/1.0/subscriptions/nope/chunk");
await probe("POST", "/api/rest/1.0/subscriptions/" + "x".repeat(40) , {"content-type":"application/json"});
await probe("GET", "/api/rest/1.0/subscriptions/nope");
await probe("GET", "/api/rest/authenticate?version=1.0", { authorization: "Basic " + Buffer.from(":pw").toString("base64") });
await probe("GET", "/api/rest/authenticate?version=1.0", { authorization: "Basic " + Buffer.from("nocolon").toString("base64") });
await probe("GET", "/api/rest/%E0%A4%A");
await probe("POST", "/api/rest/1.0/sessions", {"content-type":"application/json"}, "{bad");
await probe("POST", "/api/rest/1.0/sessions", {"content-type":"text/xml"}, "<a/>");
await sb.stop(); await d.close();
