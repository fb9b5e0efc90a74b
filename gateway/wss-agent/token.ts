/**
 * The application's credential: a JSON Web Token (RFC 7519) signed with the key of a certificate
 * that chains to a CA in the gateway's trust store. The chain travels in the token's `x5c`
 * header (RFC 7515 4.1.6: the signer's certificate first, each next one certifying the one
 * before). jose verifies the signature and the claims (exp, nbf, aud, iss); Node's X509Certificate
 * checks the chain, as jose leaves x5c to the caller.
 */
import { X509Certificate } from "node:crypto";
import { importX509, type JWTPayload, jwtVerify } from "jose";

/** Asymmetric algorithms only: a shared secret cannot chain to a CA. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

export interface TokenRules {
  /** the trusted CAs */
  trust: readonly X509Certificate[];
  audience: string;
  issuer: string | null;
  /** now, in ms (tests of expiry pass a clock rather than waiting) */
  now?: () => number;
}

export class TokenRefused extends Error {}

/** The CA certificates of a PEM trust store (one or more certificates, anything else ignored). */
export function readTrustStore(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs = blocks.map((b) => new X509Certificate(b));
  if (certs.length === 0) throw new Error("the WSS agent's trust store holds no certificate");
  return certs;
}

function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** The signer's certificate, once its chain is found to end at a trusted CA. */
export function verifyChain(x5c: unknown, rules: TokenRules): X509Certificate {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 8 || x5c.some((c) => typeof c !== "string"))
    throw new TokenRefused("the token carries no certificate chain (x5c header)");
  let chain: X509Certificate[];
  try {
    chain = (x5c as string[]).map((c) => new X509Certificate(Buffer.from(c, "base64")));
  } catch {
    throw new TokenRefused("a certificate of the x5c header does not decode");
  }
  const now = rules.now?.() ?? Date.now();
  for (const [i, cert] of chain.entries()) {
    if (!validAt(cert, now))
      throw new TokenRefused(`certificate ${i} of the chain is expired or not yet valid`);
    const next = chain[i + 1];
    if (next && !(next.ca && issuedBy(cert, next)))
      throw new TokenRefused(`certificate ${i} of the chain is not certified by the next one`);
  }
  const last = chain[chain.length - 1]!;
  const anchored = rules.trust.some(
    (ca) => ca.fingerprint256 === last.fingerprint256 || (ca.ca && validAt(ca, now) && issuedBy(last, ca)),
  );
  if (!anchored) throw new TokenRefused("the certificate chain does not end at a trusted CA");
  return chain[0]!;
}

/** The token's claims, or TokenRefused saying why not. */
export async function verifyApplicationToken(token: string, rules: TokenRules): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const signer = verifyChain(header.x5c, rules);
        return importX509(signer.toString(), header.alg);
      },
      {
        algorithms: ALGORITHMS,
        audience: rules.audience,
        ...(rules.issuer !== null ? { issuer: rules.issuer } : {}),
        requiredClaims: ["exp"],
        ...(rules.now ? { currentDate: new Date(rules.now()) } : {}),
      },
    );
    return payload;
  } catch (err) {
    if (err instanceof TokenRefused) throw err;
    // jose's errors name what failed (signature, "exp" claim, audience...): that is the reason given.
    throw new TokenRefused((err as Error).message);
  }
}
