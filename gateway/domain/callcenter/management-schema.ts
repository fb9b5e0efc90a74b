/**
 * CallCenterManagement's JSON as the SDK reads it (its internal/types/cc-mngt/cc-mntg-types.ts):
 * PilotJson with its rules, the normal and exception calendars, a transition.
 */
import { type Static, Type } from "typebox";
import { DAYS_OF_WEEK, OPERATING_MODES } from "../../../protocols/cmip/index.js";
import { PilotStatusSchema } from "./schema.js";

/** The SDK's ServiceState (`unknown` is lower case there too). */
export const ServiceStateSchema = Type.Enum(["Closed", "Opened", "Blocked", "unknown"]);

export const PilotRuleSchema = Type.Object(
  {
    ruleNumber: Type.Integer(),
    name: Type.Optional(Type.String()),
    active: Type.Boolean({ description: "the rule in force" }),
  },
  { title: "PilotRule" },
);

export const MngtPilotSchema = Type.Object(
  {
    number: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    state: Type.Optional(ServiceStateSchema),
    detailedState: Type.Optional(PilotStatusSchema),
    waitingTime: Type.Optional(Type.Integer()),
    saturation: Type.Optional(Type.Boolean()),
    rules: Type.Optional(Type.Array(PilotRuleSchema)),
    possibleTransfer: Type.Optional(Type.Boolean()),
    supervisedTransfer: Type.Optional(Type.Boolean()),
  },
  { title: "Pilot" },
);
export type MngtPilotJson = Static<typeof MngtPilotSchema>;

export const PilotListSchema = Type.Object(
  { pilotList: Type.Array(MngtPilotSchema) },
  { title: "PilotList" },
);

export const DayOfWeekSchema = Type.Enum([...DAYS_OF_WEEK], { description: "a day of the week" });

export const TransitionSchema = Type.Object(
  {
    time: Type.String({ pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$", description: "HH:mm, 24-hour" }),
    ruleNumber: Type.Integer({ minimum: 1, maximum: 99, description: "the rule the pilot opens on" }),
    mode: Type.Enum([...OPERATING_MODES], { description: "the pilot's operating mode from then on" }),
  },
  { title: "PilotTransition" },
);
export type TransitionJson = Static<typeof TransitionSchema>;

const PilotTransitions = Type.Object(
  { number: Type.Integer({ description: "its index in the day, from 1" }), transition: TransitionSchema },
  { title: "PilotTransitions" },
);

export const NormalCalendarSchema = Type.Object(
  {
    calendar: Type.Optional(
      Type.Array(
        Type.Object(
          { day: DayOfWeekSchema, list: Type.Optional(Type.Array(PilotTransitions)) },
          { title: "NormalTransitions" },
        ),
      ),
    ),
  },
  { title: "NormalCalendar" },
);
export type NormalCalendarJson = Static<typeof NormalCalendarSchema>;

export const ExceptionCalendarSchema = Type.Object(
  {
    calendar: Type.Optional(
      Type.Array(
        Type.Object(
          {
            date: Type.String({ description: "YYYYMMDD" }),
            list: Type.Optional(Type.Array(PilotTransitions)),
          },
          { title: "ExceptionTransitions" },
        ),
      ),
    ),
  },
  { title: "ExceptionCalendar" },
);
export type ExceptionCalendarJson = Static<typeof ExceptionCalendarSchema>;

export const CalendarSchema = Type.Object(
  { normalDays: Type.Optional(NormalCalendarSchema), exceptionDays: Type.Optional(ExceptionCalendarSchema) },
  { title: "Calendar" },
);
export type CalendarJson = Static<typeof CalendarSchema>;
