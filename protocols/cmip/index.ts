import { operationTable } from "../rose/index.js";
import {
  mActionConfirmed,
  mCreate,
  mDelete,
  mEventReport,
  mGet,
  mLinkedReply,
  mSetConfirmed,
} from "./pdus.js";

export * from "./association.js";
export * from "./ccd-calendar.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./pdus.js";
export * from "./schema.js";

/** X.701 systems-management application context { joint-iso-itu-t(2) ms(9) smo(0) applicationContext(0) systems-management(2) }. */
export const CMIP_APPLICATION_CONTEXT = "2.9.0.0.2";

export const CMIP_OPERATIONS = operationTable({
  mEventReport,
  mLinkedReply,
  mGet,
  mSetConfirmed,
  mActionConfirmed,
  mCreate,
  mDelete,
});
