/**
 * OXE station (set) types the generator hands out, with their share of a typical installed base
 * and the O2G device type each appears as. Names are the OXE's own set families.
 */
export type DeviceKind = "DESKPHONE" | "SOFTPHONE" | "DECT" | "MOBILE";

export interface StationType {
  readonly name: string;
  readonly kind: DeviceKind;
  /** relative weight in the generated population */
  readonly weight: number;
  /** programmable keys on the set (0 for sets without a key field) */
  readonly keys: number;
}

export const STATION_TYPES: readonly StationType[] = [
  { name: "ALE-500", kind: "DESKPHONE", weight: 18, keys: 40 },
  { name: "ALE-400", kind: "DESKPHONE", weight: 14, keys: 32 },
  { name: "ALE-300", kind: "DESKPHONE", weight: 12, keys: 24 },
  { name: "IPTouch8068", kind: "DESKPHONE", weight: 14, keys: 40 },
  { name: "IPTouch8038", kind: "DESKPHONE", weight: 10, keys: 24 },
  { name: "IPTouch8018", kind: "DESKPHONE", weight: 6, keys: 6 },
  { name: "SIP_Extension", kind: "SOFTPHONE", weight: 10, keys: 0 },
  { name: "IP_Desktop_Softphone", kind: "SOFTPHONE", weight: 6, keys: 40 },
  { name: "Mobile_8262_DECT", kind: "DECT", weight: 6, keys: 0 },
  { name: "Analog", kind: "DESKPHONE", weight: 4, keys: 0 },
];

const cumulative = (() => {
  let sum = 0;
  return STATION_TYPES.map((t) => (sum += t.weight));
})();
const totalWeight = cumulative[cumulative.length - 1]!;

/** Pick a station type from a uniform number in [0, 1). */
export function stationTypeFor(u: number): StationType {
  const x = u * totalWeight;
  for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]!) return STATION_TYPES[i]!;
  return STATION_TYPES[STATION_TYPES.length - 1]!;
}

export function stationTypeByName(name: string): StationType | undefined {
  return STATION_TYPES.find((t) => t.name === name);
}
