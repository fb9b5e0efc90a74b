/**
 * The SSH host key of each emulated node. A client pins the key it first saw (OpenSSH's
 * known_hosts, the gateway's host key check), so a node keeps one key for as long as the process
 * lives, through restarts and switchovers of its servers, and across processes when a directory
 * is given. Keys are ed25519: instant to make, and ssh2's key generator (node:crypto underneath)
 * writes them in the OpenSSH format that ssh2's server reads.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ssh2 from "ssh2";

const inMemory = new Map<number, string>();

/**
 * A new ed25519 private key that ssh2 can read back. ssh2's generator (1.17) now and then writes
 * an ed25519 key its own parser rejects as "Malformed OpenSSH private key" (about 1 in 200,
 * measured over 2,000 keys), which crashed a node's start: check, and make another.
 */
function newKey(): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const key = ssh2.utils.generateKeyPairSync("ed25519").private;
    if (!(ssh2.utils.parseKey(key) instanceof Error)) return key;
  }
  throw new Error("could not generate a readable ed25519 host key");
}

/** The private host key of node `nodeId` (OpenSSH format), made on first use. */
export function hostKeyFor(nodeId: number, dir?: string): string {
  if (dir) {
    const path = join(dir, `ssh_host_ed25519_key.node${nodeId}`);
    if (existsSync(path)) return readFileSync(path, "utf8");
    const key = newKey();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, key, { mode: 0o600 });
    chmodSync(path, 0o600);
    return key;
  }
  let key = inMemory.get(nodeId);
  if (!key) {
    key = newKey();
    inMemory.set(nodeId, key);
  }
  return key;
}

/** The public half as a known_hosts / authorized_keys entry: `ssh-ed25519 AAAA...`. */
export function publicKeyLine(privateKey: string): string {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return `${key.type} ${key.getPublicSSH().toString("base64")}`;
}
