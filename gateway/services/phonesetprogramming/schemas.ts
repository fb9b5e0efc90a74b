/**
 * Phone Set Programming's requests and answers (the SDK's phoneset types) as schemas. The node
 * checks the values themselves (a key number's digits, a mnemonic's length, a PIN's format):
 * these bounds only keep out what no set could hold.
 */
import { type Static, Type } from "typebox";
import { DeviceSchema } from "../../domain/user-view.js";
import { fieldErrors } from "../common/field-errors.js";
import { LoginName } from "../common/schemas.js";

const text = (maxLength: number) => Type.String({ maxLength });
/** A key's position on the set: the sets served here have at most 999. */
const Position = Type.Integer({ minimum: 1, maximum: 999, description: "1 for the first key" });

export const DeviceParams = Type.Object({
  loginName: LoginName,
  deviceId: Type.String({ minLength: 1, maxLength: 32, description: "the device's number" }),
});
export type DevicePath = Static<typeof DeviceParams>;
export const KeyParams = Type.Object({ ...DeviceParams.properties, position: Position });
export type KeyPath = Static<typeof KeyParams>;

/** Ajv's "must be integer" and "must be boolean" say less than the rules do. */
export const keyParamErrors = fieldErrors({ "params/position": "is not a key position (1, 2, ...)" });
export const activateErrors = fieldErrors({ "querystring/activate": "must be true or false" });

export const ActivateQuery = Type.Object({
  activate: Type.Boolean({ description: "true to turn it on, false to turn it off" }),
});

export const ProgrammeableKeySchema = Type.Object(
  {
    position: Position,
    number: Type.Optional(text(64)),
    mnemonic: Type.Optional(text(64)),
    locked: Type.Optional(Type.Boolean({ description: "locked by the administrator (programmable keys)" })),
  },
  { title: "ProgrammeableKey" },
);
export type KeyJson = Static<typeof ProgrammeableKeySchema>;

export const SoftKeySchema = Type.Object(
  { position: Position, number: Type.Optional(text(64)), mnemonic: Type.Optional(text(64)) },
  { title: "SoftKey" },
);

/** A key as a PUT gives it: `position`, when given, repeats the path's. */
export const ProgrammeableKeyBody = Type.Partial(ProgrammeableKeySchema, { title: "ProgrammeableKeyBody" });
export type ProgrammeableKeyBody = Static<typeof ProgrammeableKeyBody>;
export const SoftKeyBody = Type.Partial(SoftKeySchema, { title: "SoftKeyBody" });

export const PinSchema = Type.Object(
  {
    Pin_Number: text(32),
    With_Secret_Code: Type.Boolean(),
    Pin_Type_Of_Control: text(64),
    // The OXE's PIN groups are 0 to 255 (the Subscriber class's Pin_Group attribute).
    Pin_Group: Type.Integer({ minimum: 0, maximum: 255 }),
  },
  { title: "Pin" },
);
/** What a PUT changes of the PIN: at least one of its fields. */
export const PinBody = Type.Partial(PinSchema, { title: "PinBody" });
export type PinBody = Static<typeof PinBody>;

export const DynamicStateSchema = Type.Object(
  {
    lock: Type.Boolean(),
    campon: Type.Boolean(),
    associate: Type.Optional(Type.String({ description: "the associated set's number, when there is one" })),
  },
  { title: "DynamicState" },
);
export type DynamicStateJson = Static<typeof DynamicStateSchema>;

export const AssociateBody = Type.Object(
  { associate: Type.String({ minLength: 1, maxLength: 32 }) },
  { title: "AssociateBody" },
);

export const DevicesSchema = Type.Object({ devices: Type.Array(DeviceSchema) }, { title: "Devices" });
export const ProgrammeableKeysSchema = Type.Object(
  { pkeys: Type.Array(ProgrammeableKeySchema) },
  { title: "ProgrammeableKeys" },
);
export const SoftKeysSchema = Type.Object({ skeys: Type.Array(SoftKeySchema) }, { title: "SoftKeys" });
