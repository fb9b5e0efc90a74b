/** The wire's EventSummaryJson (the SDK's eventsummary types), as a schema: the type follows. */
import { type Static, Type } from "typebox";

export const EventSummarySchema = Type.Object(
  {
    missedCallsNb: Type.Integer({ minimum: 0 }),
    voiceMessagesNb: Type.Optional(
      Type.Integer({ minimum: 0, description: "absent when nothing knows the user's mailbox" }),
    ),
    callBackRequestsNb: Type.Integer({ minimum: 0 }),
    faxNb: Type.Integer({ minimum: 0 }),
    newTextNb: Type.Integer({ minimum: 0 }),
    oldTextNb: Type.Integer({ minimum: 0 }),
    eventWaiting: Type.Boolean(),
  },
  { title: "EventSummary" },
);
export type EventSummaryJson = Static<typeof EventSummarySchema>;
