import { en, Faker } from "@faker-js/faker";
import { type StationType, stationTypeFor } from "./station-types.js";

/**
 * One subscriber of the emulated network, as the OXE's Subscriber object holds it.
 * Kept flat and small: at 100,000 users the directory is the emulator's largest structure.
 */
export interface Subscriber {
  /** position in the generated population, 0-based */
  readonly index: number;
  readonly directoryNumber: string;
  readonly nodeId: number;
  firstName: string;
  lastName: string;
  /** the O2G login name: "oxe" + directory number, as the real O2G names OXE users */
  readonly loginName: string;
  password: string;
  stationType: StationType;
  classOfService: number;
  costCenter: number;
  entity: number;
}

export interface DirectoryOptions {
  users: number;
  nodes: number;
  seed: number;
  /**
   * First directory number. The numbering plan is homogeneous across the nodes of a network:
   * one contiguous range, each node taking a block. Default: 10000, or 100000 when the
   * population does not fit in 5 digits.
   */
  firstNumber?: number;
  /** Password of every generated user (the sandbox default keeps demos simple). */
  password?: string;
}

export const DEFAULT_USER_PASSWORD = "0000";

export interface Directory {
  readonly options: Required<DirectoryOptions>;
  readonly subscribers: Subscriber[];
  readonly byNumber: Map<string, Subscriber>;
  /** subscribers of each node, by node id (1-based, as OXE node numbers are) */
  readonly byNode: Map<number, Subscriber[]>;
}

export function defaultFirstNumber(users: number): number {
  return users <= 89_999 ? 10_000 : 100_000;
}

/** Node of the i-th user when `users` are spread in contiguous blocks over `nodes` nodes. */
export function nodeOfIndex(i: number, users: number, nodes: number): number {
  return Math.floor((i * nodes) / users) + 1;
}

/**
 * Generate the network's users, deterministically: the same options always give the same
 * directory, and user i depends only on the seed and i (so a 1,000-user sandbox is the first
 * 1,000 users of the 100,000-user one).
 */
export function generateDirectory(opts: DirectoryOptions): Directory {
  const options: Required<DirectoryOptions> = {
    users: opts.users,
    nodes: opts.nodes,
    seed: opts.seed,
    firstNumber: opts.firstNumber ?? defaultFirstNumber(opts.users),
    password: opts.password ?? DEFAULT_USER_PASSWORD,
  };
  if (!Number.isInteger(options.users) || options.users < 0)
    throw new RangeError("users must be a whole number");
  if (!Number.isInteger(options.nodes) || options.nodes < 1) throw new RangeError("nodes must be at least 1");
  const digits = String(options.firstNumber).length;
  if (String(options.firstNumber + options.users - 1).length !== digits && options.users > 0) {
    throw new RangeError(
      `${options.users} users from ${options.firstNumber} overflow a ${digits}-digit numbering plan`,
    );
  }
  const faker = new Faker({ locale: [en], seed: options.seed });
  const subscribers: Subscriber[] = new Array(options.users);
  const byNumber = new Map<string, Subscriber>();
  const byNode = new Map<number, Subscriber[]>();
  for (let n = 1; n <= options.nodes; n++) byNode.set(n, []);
  for (let i = 0; i < options.users; i++) {
    const directoryNumber = String(options.firstNumber + i);
    const nodeId = nodeOfIndex(i, options.users, options.nodes);
    const s: Subscriber = {
      index: i,
      directoryNumber,
      nodeId,
      firstName: faker.person.firstName(),
      lastName: faker.person.lastName(),
      loginName: `oxe${directoryNumber}`,
      password: options.password,
      stationType: stationTypeFor(faker.number.float()),
      classOfService: faker.number.int({ min: 0, max: 15 }),
      costCenter: faker.number.int({ min: 1, max: 40 }),
      entity: faker.number.int({ min: 1, max: 8 }),
    };
    subscribers[i] = s;
    byNumber.set(directoryNumber, s);
    byNode.get(nodeId)!.push(s);
  }
  return { options, subscribers, byNumber, byNode };
}
