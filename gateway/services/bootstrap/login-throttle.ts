/**
 * Brute-force protection for HTTP Basic logins: failed attempts are counted per login name and
 * per client address within a window; past the limit the name or address is refused for a
 * while with 429 and Retry-After. An attempt takes its point before the password is checked and
 * a successful one gives it back, so successful logins never count, and a burst of concurrent
 * guesses cannot all slip in before the first failure is recorded.
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { GatewayConfig } from "../../config/index.js";
import { O2gError } from "../common/errors.js";

export interface LoginAttempt {
  /** the password was right: the attempt does not count */
  succeeded(): Promise<void>;
}

export class LoginThrottle {
  private readonly perLogin: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;

  constructor(settings: GatewayConfig["loginThrottle"]) {
    const common = { duration: settings.windowSeconds, blockDuration: settings.blockSeconds };
    this.perLogin = new RateLimiterMemory({
      ...common,
      points: settings.failuresPerLogin,
      keyPrefix: "login",
    });
    this.perAddress = new RateLimiterMemory({
      ...common,
      points: settings.failuresPerAddress,
      keyPrefix: "address",
    });
  }

  /** Takes a point for this login and this address, or throws 429 when either is spent. */
  async attempt(login: string, address: string): Promise<LoginAttempt> {
    const taken: [RateLimiterMemory, string][] = [];
    try {
      await this.perLogin.consume(login);
      taken.push([this.perLogin, login]);
      await this.perAddress.consume(address);
      taken.push([this.perAddress, address]);
    } catch (err) {
      for (const [limiter, key] of taken) await limiter.reward(key);
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new O2gError(429, `too many failed logins: try again in ${seconds} s`, {
        type: "TOO_MANY_REQUESTS",
        canRetry: true,
        headers: { "Retry-After": String(seconds) },
      });
    }
    return {
      succeeded: async () => {
        for (const [limiter, key] of taken) await limiter.reward(key);
      },
    };
  }
}

/** Waits until `floorMs` have passed since `startedAt` (performance.now()). */
export function notBefore(startedAt: number, floorMs: number): Promise<void> {
  const left = startedAt + floorMs - performance.now();
  return left > 0 ? new Promise((r) => setTimeout(r, left)) : Promise.resolve();
}
