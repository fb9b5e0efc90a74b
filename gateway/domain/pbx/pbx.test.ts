import { describe, expect, it } from "vitest";
import { CLASSES } from "../../../oxe-emulator/mib/index.js";
import {
  type AttributeError,
  type CmipError,
  NODE_DIAGNOSTIC_ERROR_ID,
  type SchemaClass,
} from "../../../protocols/cmip/index.js";
import { RemoteOperationError } from "../../../protocols/rose/index.js";
import { o2gErrorOf } from "../../services/common/errors.js";
import { DomainError } from "../errors.js";
import { fromCmip } from "./errors.js";
import { parseInstanceFilter } from "./filter.js";
import { objectModelJson, pbxObjectJson, resolveInstancePath } from "./model.js";
import { toCmipValue, toRestValue } from "./values.js";

const schema = new Map<string, SchemaClass>(CLASSES.map((c) => [c.name, c]));
const SUB = schema.get("Subscriber")!;
const id = (name: string) => SUB.attributes.find((a) => a.name === name)!.id;

function status(fn: () => unknown): { status: number; help: string; inner: string } {
  try {
    fn();
  } catch (err) {
    // The status a client gets: the domain's error as the HTTP edge says it.
    if (err instanceof DomainError) {
      const e = o2gErrorOf(err);
      return { status: e.status, help: e.helpMessage, inner: e.extra.innerMessage ?? "" };
    }
    throw err;
  }
  throw new Error("no error");
}

describe("instance filters", () => {
  it.each([
    ["Station_Type==ALE-300", { equality: { id: id("Station_Type"), value: "ALE-300" } }],
    ["Class_Of_Service==7", { equality: { id: id("Class_Of_Service"), value: 7 } }],
    ["Locked==true", { equality: { id: id("Locked"), value: true } }],
    ["Annu_Name!=Smith", { not: { equality: { id: id("Annu_Name"), value: "Smith" } } }],
    ["Annu_Name==Sm*", { substrings: { id: id("Annu_Name"), initial: "Sm" } }],
    ["Annu_Name==*th", { substrings: { id: id("Annu_Name"), final: "th" } }],
    ["Annu_Name==*mi*", { substrings: { id: id("Annu_Name"), any: ["mi"] } }],
    ["Annu_Name==S*i*h", { substrings: { id: id("Annu_Name"), initial: "S", any: ["i"], final: "h" } }],
    ["Annu_Name==*", { present: id("Annu_Name") }],
    ["Cost_Center=ge=10", { greaterOrEqual: { id: id("Cost_Center"), value: 10 } }],
    ["Annu_Name=le=M", { lessOrEqual: { id: id("Annu_Name"), value: "M" } }],
    ['Annu_Name=="Van Damme"', { equality: { id: id("Annu_Name"), value: "Van Damme" } }],
    ["Annu_Name==Van Damme", { equality: { id: id("Annu_Name"), value: "Van Damme" } }],
  ])("reads %s", (text, filter) => {
    expect(parseInstanceFilter(text, SUB)).toEqual(filter);
  });

  it("reads combinations left to right, as the SDK writes nested ones, and parentheses first", () => {
    const a = { equality: { id: id("Station_Type"), value: "A" } };
    const b = { equality: { id: id("Station_Type"), value: "B" } };
    const c = { substrings: { id: id("Annu_Name"), initial: "f" } };
    expect(parseInstanceFilter("Station_Type==A or Station_Type==B and Annu_Name==f*", SUB)).toEqual({
      and: [{ or: [a, b] }, c],
    });
    expect(parseInstanceFilter("Annu_Name==f* and (Station_Type==A OR Station_Type==B)", SUB)).toEqual({
      and: [c, { or: [a, b] }],
    });
    expect(parseInstanceFilter("Station_Type==A and Station_Type==B and Annu_Name==f*", SUB)).toEqual({
      and: [a, b, c],
    });
  });

  it.each([
    ["", /empty/],
    ["Annu_Name", /operator/],
    ["Annu_Name==x and", /attribute name is expected/],
    ["(Annu_Name==x", /'\)' is expected/],
    ["(Annu_Name==x))", /unexpected text/],
    ["Shoe==1", /no attribute Shoe/],
    ["Password==1", /cannot be read/],
    ["Cost_Center==1*", /wildcards/],
    ["Cost_Center=ge=ten", /is an integer/],
    ["Locked==maybe", /true or false/],
    ['Annu_Name=="open', /unterminated/],
  ])("refuses %j", (text, message) => {
    const e = status(() => parseInstanceFilter(text, SUB));
    expect(e).toMatchObject({ status: 400, inner: "INVALID_FILTER" });
    expect(e.help).toMatch(message);
  });
});

describe("attribute values", () => {
  const def = (name: string) => SUB.attributes.find((a) => a.name === name)!;
  it("types what converts and leaves the rest to the node to refuse", () => {
    expect(toCmipValue(def("Class_Of_Service"), ["12"])).toBe(12);
    expect(toCmipValue(def("Class_Of_Service"), ["twelve"])).toBe("twelve");
    expect(toCmipValue(def("Locked"), ["true"])).toBe(true);
    expect(toCmipValue(def("Annu_Name"), ["007"])).toBe("007");
    expect(status(() => toCmipValue(def("Annu_Name"), ["a", "b"])).status).toBe(400);
    expect(status(() => toCmipValue(def("Annu_Name"), [])).status).toBe(400);
  });

  it("gives every value back as strings", () => {
    expect(toRestValue(5)).toEqual(["5"]);
    expect(toRestValue(false)).toEqual(["false"]);
    expect(toRestValue(["a", 1])).toEqual(["a", "1"]);
    expect(toRestValue(null)).toEqual([]);
  });
});

describe("the object model as O2G shows it", () => {
  it("nests the visible classes and describes attributes", () => {
    const m = objectModelJson(schema, schema.get("Node")!);
    expect(m.objects.map((o) => o.objectName)).toEqual([
      "Subscriber",
      "Entity",
      "Cost_Center",
      "Phone_Book_Entry",
      "Hunt_Group",
    ]);
    expect(m.objects[0]!.objects.map((o) => o.objectName)).toEqual(["Prog_Key", "Soft_Key"]);
    const dn = m.objects[0]!.attributes.find((a) => a.name === "Directory_Number")!;
    expect(dn).toEqual({
      name: "Directory_Number",
      mandatory: true,
      typeValue: "OctetString",
      multiValue: false,
      lengthValue: "1..8",
      filtering: true,
    });
  });

  it("lists an object's attributes in model order, as strings", () => {
    expect(
      pbxObjectJson(schema, SUB, "10001", { Station_Type: "ALE-300", Annu_Name: "Doe", Locked: false }),
    ).toEqual({
      objectName: "Subscriber",
      objectId: "10001",
      attributes: [
        { name: "Annu_Name", value: ["Doe"] },
        { name: "Station_Type", value: ["ALE-300"] },
        { name: "Locked", value: ["false"] },
      ],
      objectNames: ["Prog_Key", "Soft_Key"],
    });
  });

  it("names objects and lists by their REST path", () => {
    const list = resolveInstancePath(schema, 2, ["Subscriber"]);
    expect(list.superior).toBe("Node=2");
    expect(list.instance).toBeUndefined();
    expect(resolveInstancePath(schema, 2, ["Subscriber", "10001", "Prog_Key", "3"])).toMatchObject({
      superior: "Node=2/Subscriber=10001",
      instance: "Node=2/Subscriber=10001/Prog_Key=3",
      objectId: "3",
    });
    expect(status(() => resolveInstancePath(schema, 1, ["ObjectModel"])).status).toBe(404);
    expect(status(() => resolveInstancePath(schema, 1, ["Prog_Key"])).status).toBe(404);
    expect(status(() => resolveInstancePath(schema, 1, ["Subscriber", "a=b"])).status).toBe(400);
  });
});

describe("the node's refusals as O2G errors", () => {
  const refused = (e: CmipError, op = "m-Set-Confirmed") =>
    new RemoteOperationError<CmipError>(op, { kind: "error", error: e });
  const PROG_KEY = schema.get("Prog_Key")!;
  const diagnostic = (text: string): CmipError => ({
    error: "processingFailure",
    failure: {
      objectClass: SUB.id,
      instance: "Node=1/Subscriber=10001",
      specificErrorInfo: { errorId: NODE_DIAGNOSTIC_ERROR_ID, errorInfo: text },
    },
  });
  const setList = (attributeError: AttributeError): CmipError => ({
    error: "setListError",
    setInfoList: [{ attributeError }],
  });
  it.each<[string, CmipError, string, SchemaClass, number, string, RegExp]>([
    [
      "a value out of range, worded from the schema",
      { error: "invalidAttributeValue", attribute: { id: id("Class_Of_Service"), value: 99 } },
      "m-Create",
      SUB,
      400,
      "invalidAttributeValue (Class_Of_Service)",
      /^Class_Of_Service 99 is above 63$/,
    ],
    [
      "a value the schema allows but the node refuses, worded with the attribute's note",
      { error: "invalidAttributeValue", attribute: { id: id("Pin_Number"), value: "12" } },
      "m-Create",
      SUB,
      400,
      "invalidAttributeValue (Pin_Number)",
      /^Pin_Number "12" is refused by OXE node 1: empty \(no PIN\) or 4 to 8 digits$/,
    ],
    [
      "an attribute error in a set list error",
      setList({
        errorStatus: "invalidAttributeValue",
        attributeId: id("Annu_Name"),
        attributeValue: "x".repeat(41),
      }),
      "m-Set-Confirmed",
      SUB,
      400,
      "invalidAttributeValue (Annu_Name)",
      /^Annu_Name must have at most 40 character\(s\)$/,
    ],
    [
      "a read-only attribute in a set list error",
      setList({ errorStatus: "accessDenied", attributeId: id("Login_Name"), attributeValue: "me" }),
      "m-Set-Confirmed",
      SUB,
      400,
      "accessDenied (Login_Name)",
      /^Login_Name is read-only$/,
    ],
    [
      "the naming attribute in a set list error",
      setList({ errorStatus: "accessDenied", attributeId: id("Directory_Number") }),
      "m-Set-Confirmed",
      SUB,
      400,
      "accessDenied (Directory_Number)",
      /names the object/,
    ],
    [
      "an instance that does not exist, from its ObjectInstance",
      { error: "noSuchObjectInstance", instance: "Node=1/Subscriber=19999" },
      "m-Delete",
      SUB,
      404,
      "noSuchObjectInstance",
      /^no Subscriber 19999 on OXE node 1$/,
    ],
    [
      "a duplicate, from its ObjectInstance",
      { error: "duplicateManagedObjectInstance", instance: "Node=1/Subscriber=10001" },
      "m-Create",
      SUB,
      409,
      "duplicateManagedObjectInstance",
      /^there is already a Subscriber 10001$/,
    ],
    [
      "missing mandatory attributes",
      { error: "missingAttributeValue", attributeIds: [id("Annu_Name"), id("Station_Type")] },
      "m-Create",
      SUB,
      400,
      "missingAttributeValue",
      /^Annu_Name, Station_Type are mandatory to create a Subscriber$/,
    ],
    [
      "a processing failure, with the node's own diagnostic",
      diagnostic("Subscriber 10001 cannot be deleted now: in a call"),
      "m-Delete",
      SUB,
      409,
      "processingFailure",
      /^Subscriber 10001 cannot be deleted now: in a call$/,
    ],
    [
      "a processing failure without a parameter",
      { error: "processingFailure" },
      "m-Delete",
      SUB,
      409,
      "processingFailure",
      /^OXE node 1 failed to process the m-Delete$/,
    ],
    [
      "an access denied, worded after the operation",
      { error: "accessDenied" },
      "m-Create",
      PROG_KEY,
      403,
      "accessDenied",
      /^Prog_Key objects cannot be created on OXE node 1$/,
    ],
    [
      "an access denied to a delete",
      { error: "accessDenied" },
      "m-Delete",
      PROG_KEY,
      403,
      "accessDenied",
      /^Prog_Key objects cannot be deleted/,
    ],
  ])("answers %s", (_what, e, op, cls, code, inner, help) => {
    const o = o2gErrorOf(fromCmip(refused(e, op), 1, cls) as DomainError);
    expect(o.body()).toMatchObject({ code, innerMessage: inner, canRetry: false });
    expect(o.helpMessage).toMatch(help);
  });

  it("makes a link failure a 503 to retry", () => {
    const o = o2gErrorOf(fromCmip(new RemoteOperationError("m-Get", { kind: "timeout" }), 3) as DomainError);
    expect(o.body()).toMatchObject({ code: 503, canRetry: true, type: "SERVICE_UNAVAILABLE" });
  });
});
