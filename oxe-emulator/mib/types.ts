/**
 * What the MIB gives out and answers with: the object a manager reads, a refusal in X.711's terms,
 * and the X.721 notification of a change.
 */
import {
  type Attribute,
  type CmipError,
  type CmipErrorName,
  type CmipEventName,
  type CmipValue,
  NODE_DIAGNOSTIC_ERROR_ID,
  type ObjectResult,
  type SchemaClass,
} from "../../protocols/cmip/index.js";

export interface ManagedObject {
  readonly cls: SchemaClass;
  readonly instance: string;
  /** a readable attribute's value (write-only ones are never given out, not even to filters) */
  value(attributeId: number): CmipValue | undefined;
}

/**
 * A refusal, in X.711's terms: the error and the parameter CMIP-1 gives it, which is all the CMIP
 * server sends. The message is the node's own wording, for its log; it reaches a manager only
 * inside a processingFailure (see `processingFailure`), where X.711 has room for it.
 */
export class MibError extends Error {
  constructor(
    readonly error: CmipError,
    message: string,
  ) {
    super(message);
  }

  get code(): CmipErrorName {
    return this.error.error;
  }
}

/** An instance that does not exist, or is not a valid name, or exists already. */
export function instanceError(
  error: "noSuchObjectInstance" | "invalidObjectInstance" | "duplicateManagedObjectInstance",
  instance: string,
  message: string,
): MibError {
  return new MibError({ error, instance }, message);
}

/** A value the node refuses for an attribute (Attribute is invalidAttributeValue's parameter). */
export function invalidValue(id: number, value: CmipValue, message: string): MibError {
  return new MibError({ error: "invalidAttributeValue", attribute: { id, value } }, message);
}

/**
 * The node tried and failed (the object is busy or still used): the one refusal whose X.711
 * parameter carries the node's diagnostic text, as ProcessingFailure's specificErrorInfo.
 */
export function processingFailure(objectClass: number, instance: string, text: string): MibError {
  return new MibError(
    {
      error: "processingFailure",
      failure: {
        objectClass,
        instance,
        specificErrorInfo: { errorId: NODE_DIAGNOSTIC_ERROR_ID, errorInfo: text },
      },
    },
    text,
  );
}

/** An X.721 notification of a change: what the CMIP server reports to its managers. */
export interface MibChange {
  type: CmipEventName;
  objectClass: number;
  instance: string;
  attributes: Attribute[];
}

export interface MibResult {
  result: ObjectResult;
  changes: MibChange[];
}
