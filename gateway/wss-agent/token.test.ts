import { createPrivateKey, X509Certificate } from "node:crypto";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { Issued } from "../../scenarios/wss-app/pki.js";
import { issue, makeTestPki, type TestPki } from "../../scenarios/wss-app/pki.js";
import { readTrustStore, TokenRefused, verifyApplicationToken } from "./token.js";

let pki: TestPki;
let rules: Parameters<typeof verifyApplicationToken>[1];
beforeAll(() => {
  pki = makeTestPki("unit");
  rules = { trust: readTrustStore(pki.ca.certPem), audience: "o2g", issuer: "app" };
});

const NOW = () => Math.floor(Date.now() / 1000);

function token(
  o: {
    signer?: Issued;
    chain?: Issued[];
    exp?: number;
    nbf?: number;
    aud?: string;
    iss?: string;
    x5c?: boolean;
  } = {},
) {
  const signer = o.signer ?? pki.signer;
  const jwt = new SignJWT({})
    .setProtectedHeader({
      alg: "RS256",
      ...(o.x5c === false ? {} : { x5c: (o.chain ?? [signer]).map((c) => c.certB64) }),
    })
    .setAudience(o.aud ?? "o2g")
    .setIssuer(o.iss ?? "app")
    .setExpirationTime(o.exp ?? NOW() + 600);
  if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
  return jwt.sign(createPrivateKey(signer.keyPem));
}

const refused = async (t: Promise<string>, why: RegExp) => {
  const err = await verifyApplicationToken(await t, rules).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TokenRefused);
  expect((err as Error).message).toMatch(why);
};

describe("the application's token", () => {
  it("is accepted signed by a certificate the trusted CA issued, through an intermediate too", async () => {
    await expect(verifyApplicationToken(await token(), rules)).resolves.toMatchObject({
      aud: "o2g",
      iss: "app",
    });
    const mid = issue({ commonName: "intermediate", ca: true }, pki.ca);
    const leaf = issue({ commonName: "leaf" }, mid);
    await expect(
      verifyApplicationToken(await token({ signer: leaf, chain: [leaf, mid] }), rules),
    ).resolves.toBeTruthy();
  });

  it("is refused without a chain, with a chain to another CA, or through a certificate that is no CA", async () => {
    await refused(token({ x5c: false }), /x5c/);
    const rogue = makeTestPki("rogue");
    await refused(token({ signer: rogue.signer, chain: [rogue.signer, rogue.ca] }), /trusted CA/);
    const notCa = issue({ commonName: "not a CA" }, pki.ca);
    const leaf = issue({ commonName: "leaf" }, notCa);
    await refused(token({ signer: leaf, chain: [leaf, notCa] }), /not certified/);
    // the chain is fine, the signature another key's
    await refused(token({ signer: rogue.signer, chain: [pki.signer] }), /signature/);
  });

  it("is refused expired, not yet valid, without exp, or for another audience or issuer", async () => {
    await refused(token({ exp: NOW() - 60 }), /exp/);
    await refused(token({ nbf: NOW() + 600 }), /nbf/);
    await refused(token({ aud: "other" }), /aud/);
    await refused(token({ iss: "other" }), /iss/);
    const noExp = new SignJWT({})
      .setProtectedHeader({ alg: "RS256", x5c: [pki.signer.certB64] })
      .setAudience("o2g")
      .setIssuer("app")
      .sign(createPrivateKey(pki.signer.keyPem));
    await refused(noExp, /exp/);
  });

  it("is refused when a certificate of its chain is out of its validity", async () => {
    const later = () => Date.now() + 2 * 365 * 86_400_000;
    const err = await verifyApplicationToken(await token(), { ...rules, now: later }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/expired or not yet valid/);
  });

  it("reads every certificate of a PEM trust store, and refuses an empty one", () => {
    const two = readTrustStore(`${pki.ca.certPem}\n${makeTestPki("b").ca.certPem}`);
    expect(two).toHaveLength(2);
    expect(two[0]).toBeInstanceOf(X509Certificate);
    expect(() => readTrustStore("nothing")).toThrow(/no certificate/);
  });
});
