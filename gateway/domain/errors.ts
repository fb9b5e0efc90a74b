/**
 * What the gateway's domain refuses, in its own words: a kind and a message, plus the detail a
 * client can act on (the X.711 error, the filter at fault). The domain knows no HTTP: http/
 * says each kind in O2G's error JSON (status, type, retry), see `o2gErrorOf` there.
 */
export type DomainErrorKind =
  /** the request names something malformed or a value the model refuses */
  | "invalid"
  /** the caller may not do this (role, license, an operation the object does not allow) */
  | "forbidden"
  /** what the request names does not exist */
  | "notFound"
  /** the state of what the request names forbids it */
  | "conflict"
  /** the node answered something the gateway cannot use */
  | "badGateway"
  /** the node cannot be reached now; trying again later may succeed */
  | "unavailable";

export class DomainError extends Error {
  override readonly name: string = "DomainError";
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** a machine-readable detail (O2G's innerMessage): an error name, a license condition */
    readonly detail = "",
  ) {
    super(message);
  }
}

export const invalid = (message: string, detail = "") => new DomainError("invalid", message, detail);
export const forbidden = (message: string, detail = "") => new DomainError("forbidden", message, detail);
export const notFound = (message: string, detail = "") => new DomainError("notFound", message, detail);

/** An OXE node the request needs has no working link. */
export class NodeUnavailableError extends DomainError {
  override readonly name = "NodeUnavailableError";
  constructor(
    readonly nodeId: number,
    message = `OXE node ${nodeId} is not reachable`,
  ) {
    super("unavailable", message);
  }
}
