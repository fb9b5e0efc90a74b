/**
 * BER identifier octets (X.690 §8.1.2). A tag is kept as one number so that
 * comparisons on the hot path are integer compares: `class | constructed | number`,
 * with class in bits 14-15, the constructed flag in bit 13 and the tag number below.
 * Tag numbers above 8191 do not occur in CSTA, CMIP, ROSE or ACSE.
 */
export const TagClass = {
  universal: 0,
  application: 1,
  context: 2,
  private: 3,
} as const;
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

const CLASS_SHIFT = 14;
const CONSTRUCTED = 1 << 13;
const NUMBER_MASK = CONSTRUCTED - 1;

export type Tag = number;

export function tag(cls: TagClass, number: number, constructed = false): Tag {
  if (number < 0 || number > NUMBER_MASK) throw new RangeError(`tag number ${number} out of range`);
  return (cls << CLASS_SHIFT) | (constructed ? CONSTRUCTED : 0) | number;
}

export const tagClass = (t: Tag): TagClass => (t >>> CLASS_SHIFT) as TagClass;
export const tagNumber = (t: Tag): number => t & NUMBER_MASK;
export const isConstructed = (t: Tag): boolean => (t & CONSTRUCTED) !== 0;
export const asConstructed = (t: Tag): Tag => t | CONSTRUCTED;
export const asPrimitive = (t: Tag): Tag => t & ~CONSTRUCTED;

/** Context-specific tag `[n]`, primitive. */
export const ctx = (n: number): Tag => tag(TagClass.context, n);
/** Context-specific tag `[n]`, constructed. */
export const ctxC = (n: number): Tag => tag(TagClass.context, n, true);
/** Application tag `[APPLICATION n]`, primitive. */
export const app = (n: number): Tag => tag(TagClass.application, n);
/** Application tag `[APPLICATION n]`, constructed. */
export const appC = (n: number): Tag => tag(TagClass.application, n, true);

/** Universal tags used by the protocols we speak. */
export const U = {
  BOOLEAN: tag(TagClass.universal, 1),
  INTEGER: tag(TagClass.universal, 2),
  BIT_STRING: tag(TagClass.universal, 3),
  OCTET_STRING: tag(TagClass.universal, 4),
  NULL: tag(TagClass.universal, 5),
  OBJECT_IDENTIFIER: tag(TagClass.universal, 6),
  EXTERNAL: tag(TagClass.universal, 8, true),
  REAL: tag(TagClass.universal, 9),
  ENUMERATED: tag(TagClass.universal, 10),
  UTF8String: tag(TagClass.universal, 12),
  SEQUENCE: tag(TagClass.universal, 16, true),
  SET: tag(TagClass.universal, 17, true),
  NumericString: tag(TagClass.universal, 18),
  PrintableString: tag(TagClass.universal, 19),
  IA5String: tag(TagClass.universal, 22),
  UTCTime: tag(TagClass.universal, 23),
  GeneralizedTime: tag(TagClass.universal, 24),
  GraphicString: tag(TagClass.universal, 25),
  VisibleString: tag(TagClass.universal, 26),
  GeneralString: tag(TagClass.universal, 27),
} as const;

const CLASS_NAMES = ["UNIVERSAL", "APPLICATION", "", "PRIVATE"] as const;

/** `[APPLICATION 11]`, `[3]`, `UNIVERSAL 16`: for error messages and dumps. */
export function describeTag(t: Tag): string {
  const cls = tagClass(t);
  const body = cls === TagClass.context ? `[${tagNumber(t)}]` : `[${CLASS_NAMES[cls]} ${tagNumber(t)}]`;
  return isConstructed(t) ? `${body}{}` : body;
}
