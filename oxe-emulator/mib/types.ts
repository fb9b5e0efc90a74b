/**
 * What the MIB gives out and answers with: the object a manager reads, a refusal in X.711's terms,
 * and the X.721 notification of a change.
 */
import type {
  Attribute,
  CmipErrorName,
  CmipEventName,
  CmipValue,
  ObjectResult,
  SchemaClass,
} from "../../protocols/cmip/index.js";

export interface ManagedObject {
  readonly cls: SchemaClass;
  readonly instance: string;
  /** a readable attribute's value (write-only ones are never given out, not even to filters) */
  value(attributeId: number): CmipValue | undefined;
}

export interface MibErrorDetail {
  attributeId?: number;
  value?: CmipValue;
}

/** A refusal, in X.711's terms (the CMIP server answers it as the error of that name). */
export class MibError extends Error {
  constructor(
    readonly code: CmipErrorName,
    message: string,
    readonly detail: MibErrorDetail = {},
  ) {
    super(message);
  }
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
