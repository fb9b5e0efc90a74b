/**
 * The users and devices the gateway serves, as read from each node's Subscriber objects over
 * CMIP. A user is `oxe<number>` and owns the device of that number (O2G is user-centric: one
 * user, one or more devices).
 */
export type DeviceType = "DESKPHONE" | "SOFTPHONE" | "DECT" | "MOBILE";

export interface GwDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly subType: string;
  readonly owner: GwUser;
}

export interface GwUser {
  readonly loginName: string;
  readonly companyPhone: string;
  firstName: string;
  lastName: string;
  readonly nodeId: number;
  readonly devices: GwDevice[];
  /** from the node's Subscriber (E_Mail_Address, External_Login), when it has them */
  eMailAddress?: string;
  externalLogin?: string;
  /** a CCD operator (agent or supervisor) of their node: Users' `logins?onlyACD` lists them */
  acdOperator?: boolean;
}

export interface LoadedSubscriber {
  directoryNumber: string;
  lastName: string;
  firstName: string;
  stationType: string;
  loginName: string;
  eMailAddress?: string;
  externalLogin?: string;
}

/** Station type names seen so far: a node has a handful, each shared by thousands of users. */
const deviceTypes = new Map<string, DeviceType>();

/** O2G's device type from an OXE station type name. */
export function deviceTypeOf(stationType: string): DeviceType {
  let type = deviceTypes.get(stationType);
  if (type === undefined) {
    type = deviceTypeOfName(stationType);
    if (deviceTypes.size < 1024) deviceTypes.set(stationType, type);
  }
  return type;
}

function deviceTypeOfName(stationType: string): DeviceType {
  if (/dect|8262|8232|8212/i.test(stationType)) return "DECT";
  if (/sip|soft|pc|desktop/i.test(stationType)) return "SOFTPHONE";
  if (/mobile|gsm/i.test(stationType)) return "MOBILE";
  return "DESKPHONE";
}

export class UserDirectory {
  readonly users = new Map<string, GwUser>();
  readonly devices = new Map<string, GwDevice>();
  private readonly byNode = new Map<number, GwUser[]>();
  /** bumped on every change of users or of their names: indexes over the directory rebuild on it */
  version = 0;

  /** A user's names changed in place. */
  touch(): void {
    this.version++;
  }

  /** Replace everything known of a node by what was just read from it. */
  replaceNode(nodeId: number, subscribers: LoadedSubscriber[]): void {
    this.version++;
    // Forgotten wholesale: removeUser searches and splices the node's list once per user (and
    // iterating that list while it shrinks skipped every other user).
    const old = this.byNode.get(nodeId) ?? [];
    this.byNode.delete(nodeId);
    for (const u of old) {
      this.users.delete(u.loginName);
      for (const d of u.devices) this.devices.delete(d.id);
    }
    const list: GwUser[] = [];
    for (const s of subscribers) list.push(this.addUser(nodeId, s));
    this.byNode.set(nodeId, list);
  }

  addUser(nodeId: number, s: LoadedSubscriber): GwUser {
    this.version++;
    // The device list made with its one device: a push onto an empty array gives it room for
    // 17, some 130 bytes a user the startup snapshot of 100,000 allocates and the GC copies.
    const device: { -readonly [K in keyof GwDevice]: GwDevice[K] } = {
      id: s.directoryNumber,
      type: deviceTypeOf(s.stationType),
      subType: s.stationType,
      owner: undefined as unknown as GwUser,
    };
    const user: GwUser = {
      loginName: s.loginName,
      companyPhone: s.directoryNumber,
      firstName: s.firstName,
      lastName: s.lastName,
      nodeId,
      devices: [device],
    };
    device.owner = user;
    if (s.eMailAddress) user.eMailAddress = s.eMailAddress;
    if (s.externalLogin) user.externalLogin = s.externalLogin;
    this.users.set(user.loginName, user);
    this.devices.set(device.id, device);
    // a new object, in no list yet (replaceNode keeps its own list until it is done)
    this.byNode.get(nodeId)?.push(user);
    return user;
  }

  removeUser(u: GwUser): void {
    this.version++;
    this.users.delete(u.loginName);
    for (const d of u.devices) this.devices.delete(d.id);
    const list = this.byNode.get(u.nodeId);
    if (list) {
      const i = list.indexOf(u);
      if (i >= 0) list.splice(i, 1);
    }
  }

  usersOfNode(nodeId: number): readonly GwUser[] {
    return this.byNode.get(nodeId) ?? [];
  }

  nodeIds(): number[] {
    return [...this.byNode.keys()];
  }

  byPhone(number: string): GwUser | undefined {
    return this.devices.get(number)?.owner;
  }
}
