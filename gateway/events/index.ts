export { EventBus } from "./bus.js";
export {
  type EventSink,
  parseSelectors,
  type Selector,
  Subscription,
  type SubscriptionOptions,
} from "./subscriptions.js";
export {
  EVENT_PACKAGES,
  type EventPackage,
  type EventPublisher,
  type O2gEvent,
  OBJECT_ID_PACKAGES,
  PER_USER_PACKAGES,
} from "./types.js";
export { WebhookSender } from "./webhook.js";
export {
  DEFAULT_WEBHOOK_DENY,
  discardBody,
  LOOPBACK_RANGES,
  WebhookPolicy,
  type WebhookPolicySettings,
} from "./webhook-policy.js";
