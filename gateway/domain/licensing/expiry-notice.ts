/**
 * OnLicenseExpiration (system package): from `warningDays` before the license file's last day,
 * and after it, every subscriber of the system package hears of it once a day; a new
 * subscriber hears of it at once, so an application started today does not wait a day to learn
 * that the gateway's licenses end next week.
 */
import type { EventBus } from "../../events/index.js";
import type { ExpiryNotice, Licenses } from "./licenses.js";

export interface ExpiryAnnouncer {
  stop(): void;
}

const DAY_MS = 86_400_000;

function event(n: ExpiryNotice) {
  return { eventName: "OnLicenseExpiration", message: n.message, nbDays: n.nbDays };
}

export function announceLicenseExpiry(licenses: Licenses, bus: EventBus, periodMs = DAY_MS): ExpiryAnnouncer {
  const untie = bus.onMembership((sub, added) => {
    if (!added || !sub.filter.has("system")) return;
    const n = licenses.expiryNotice();
    if (n) sub.deliver(JSON.stringify(event(n)));
  });
  const timer = setInterval(() => {
    const n = licenses.expiryNotice();
    if (n) bus.publish("system", null, event(n));
  }, periodMs);
  timer.unref();
  return {
    stop() {
      untie();
      clearInterval(timer);
    },
  };
}
