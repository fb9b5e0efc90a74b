/**
 * Keeps the gateway's users in step with one node's Subscriber objects after the startup read:
 * the node reports every creation, deletion and modification (CMIP M-EVENT-REPORT), and this
 * adds, removes or updates the O2G user, has the new device monitored (or the old one released)
 * and tells applications: OnUserCreated / OnUserDeleted (userManagement), OnUserInfoChanged
 * (user), OnPbxObjectInstanceCreated / Modified / Deleted (pbxManagement, which O2G raises for
 * Subscriber objects only). When the configuration link comes back, the node is read again and
 * the differences are announced the same way: changes made while the link was down are not lost.
 */

import type { CmipValue } from "../../../protocols/cmip/index.js";
import type { EventPublisher } from "../../events/types.js";
import type { CmipClient, CmipEvent, NamedAttributes } from "../../links/cmip-client.js";
import {
  deviceTypeOf,
  type GwDevice,
  type GwUser,
  type LoadedSubscriber,
  type UserDirectory,
} from "../directory.js";
import { userJson } from "../user-view.js";
import { objectIdOf } from "./model.js";
import { provisioningOf } from "./provisioning.js";

export interface SubscriberSyncHost {
  readonly nodeId: number;
  readonly directory: UserDirectory;
  readonly events: EventPublisher;
  /**
   * The node's users changed after the startup snapshot: monitor the devices that appeared,
   * release those that are gone (NodeLink's syncMonitors).
   */
  usersChanged(): void;
  /** the node's voice mail number, which the users' JSON shows */
  voiceMailNumber?(): string | undefined;
}

/** The attributes NodeLink reads for each user, and the events carry. */
export const SUBSCRIBER_ATTRIBUTES = [
  "Directory_Number",
  "Annu_Name",
  "Annu_First_Name",
  "Station_Type",
  "Login_Name",
];

export function loadedSubscriber(a: NamedAttributes): LoadedSubscriber | undefined {
  return subscriberOf(
    a.Directory_Number,
    a.Annu_Name,
    a.Annu_First_Name,
    a.Station_Type,
    a.Login_Name,
    a.E_Mail_Address,
    a.External_Login,
  );
}

/**
 * loadedSubscriber for values read by position (CmipClient.scopedRows over `attributes`, which
 * userAttributes gave): the function that makes a user of each row.
 */
export function subscriberRows(
  attributes: readonly string[],
): (values: readonly (CmipValue | undefined)[]) => LoadedSubscriber | undefined {
  const at = (name: string) => attributes.indexOf(name);
  const [dn, last, first, station, login, mail, external] = [
    at("Directory_Number"),
    at("Annu_Name"),
    at("Annu_First_Name"),
    at("Station_Type"),
    at("Login_Name"),
    at("E_Mail_Address"),
    at("External_Login"),
  ];
  // -1 (not read) gives undefined, as a name the node did not send does
  return (v) => subscriberOf(v[dn], v[last], v[first], v[station], v[login], v[mail], v[external]);
}

function subscriberOf(
  directoryNumber: CmipValue | undefined,
  lastName: CmipValue | undefined,
  firstName: CmipValue | undefined,
  stationType: CmipValue | undefined,
  loginName: CmipValue | undefined,
  eMailAddress: CmipValue | undefined,
  externalLogin: CmipValue | undefined,
): LoadedSubscriber | undefined {
  const dn = String(directoryNumber ?? "");
  if (!dn) return undefined;
  const s: LoadedSubscriber = {
    directoryNumber: dn,
    lastName: String(lastName ?? ""),
    firstName: String(firstName ?? ""),
    stationType: String(stationType ?? ""),
    loginName: String(loginName ?? `oxe${dn}`),
  };
  if (eMailAddress) s.eMailAddress = String(eMailAddress);
  if (externalLogin) s.externalLogin = String(externalLogin);
  return s;
}

/** The Subscriber attributes O2G's User shows besides SUBSCRIBER_ATTRIBUTES, if the node has them. */
const USER_INFO_ATTRIBUTES = ["E_Mail_Address", "External_Login"];

/** What to read of a Subscriber to make a user of it: SUBSCRIBER_ATTRIBUTES and what the node adds. */
export function userAttributes(cmip: Pick<CmipClient, "schema">): string[] {
  const cls = cmip.schema.get("Subscriber");
  const extra = USER_INFO_ATTRIBUTES.filter((n) => cls?.attributes.some((x) => x.name === n));
  return [...SUBSCRIBER_ATTRIBUTES, ...extra];
}

/** The Subscriber attributes behind phone set programming's dynamic state. */
const DYNAMIC_STATE_ATTRIBUTES = ["Locked", "Camp_On", "Associated_Set"];

const byLink = new WeakMap<CmipClient, SubscriberSync>();

/** The sync that follows the node behind this CMIP link (set up by the node's link). */
export function subscriberSyncOf(cmip: CmipClient): SubscriberSync | undefined {
  return byLink.get(cmip);
}

export class SubscriberSync {
  private loadedOnce = false;

  constructor(
    cmip: CmipClient,
    private readonly host: SubscriberSyncHost,
  ) {
    cmip.onEvent((e) => this.onEvent(e), "Subscriber");
    byLink.set(cmip, this);
  }

  /**
   * Users Management deleteUser: the subscriber stays on the node, its O2G user goes (and stays
   * gone across re-reads of the node, until created again).
   */
  removeUser(user: GwUser): void {
    provisioningOf(this.host.directory).remove(this.nodeId, user.companyPhone);
    this.host.directory.removeUser(user);
    this.host.usersChanged();
    this.userDeleted(user.loginName);
  }

  /** Users Management createUsers: O2G users for subscribers read from the node. */
  addUsers(subscribers: LoadedSubscriber[]): GwUser[] {
    const { directory } = this.host;
    const prov = provisioningOf(directory);
    const created: GwUser[] = [];
    for (const s of subscribers) {
      prov.restore(this.nodeId, s.directoryNumber);
      if (directory.devices.has(s.directoryNumber)) continue;
      const user = directory.addUser(this.nodeId, s);
      this.userCreated(user);
      created.push(user);
    }
    if (created.length) this.host.usersChanged();
    return created;
  }

  private get nodeId(): number {
    return this.host.nodeId;
  }

  /**
   * Take in what was just read from the node (every Subscriber): the users the gateway serves
   * become those, less the ones an administrator deleted. After the first read, differences are
   * announced as the events would have been. Monitoring follows from the caller (it re-reads the
   * whole list anyway).
   */
  load(subscribers: LoadedSubscriber[]): void {
    const { directory } = this.host;
    const prov = provisioningOf(directory);
    // The sets below are 20,000 entries each for a full node: built only when they are used
    // (the first read of a node compares with nothing; most nodes have no deleted O2G user).
    const before = this.loadedOnce
      ? new Set(directory.usersOfNode(this.nodeId).map((u) => u.loginName))
      : undefined;
    if (prov.removedOf(this.nodeId).size > 0) {
      const present = new Set(subscribers.map((s) => s.directoryNumber));
      // A deleted O2G user whose subscriber left the node is forgotten with it.
      for (const n of [...prov.removedOf(this.nodeId)]) if (!present.has(n)) prov.restore(this.nodeId, n);
    }
    directory.replaceNode(
      this.nodeId,
      prov.removedOf(this.nodeId).size > 0
        ? subscribers.filter((s) => !prov.isRemoved(this.nodeId, s.directoryNumber))
        : subscribers,
    );
    if (!before) {
      this.loadedOnce = true;
      return;
    }
    const after = directory.usersOfNode(this.nodeId);
    const now = new Set(after.map((u) => u.loginName));
    for (const login of before) if (!now.has(login)) this.userDeleted(login);
    for (const u of after) if (!before.has(u.loginName)) this.userCreated(u);
  }

  private onEvent(e: CmipEvent): void {
    const dn = objectIdOf(e.instance);
    const { directory, events } = this.host;
    const prov = provisioningOf(directory);
    const pbxEvent = {
      Created: "OnPbxObjectInstanceCreated",
      Deleted: "OnPbxObjectInstanceDeleted",
      Modified: "OnPbxObjectInstanceModified",
    } as const;
    switch (e.type) {
      case "objectCreation": {
        events.publish("pbxManagement", null, this.pbxEvent(pbxEvent.Created, dn));
        const s = loadedSubscriber(e.attributes);
        if (!s || directory.devices.has(dn)) return;
        prov.restore(this.nodeId, dn);
        const user = directory.addUser(this.nodeId, s);
        this.host.usersChanged();
        this.userCreated(user);
        return;
      }
      case "objectDeletion": {
        events.publish("pbxManagement", null, this.pbxEvent(pbxEvent.Deleted, dn));
        prov.restore(this.nodeId, dn);
        const user = directory.devices.get(dn)?.owner;
        if (!user || user.nodeId !== this.nodeId) return;
        directory.removeUser(user);
        this.host.usersChanged();
        this.userDeleted(user.loginName);
        return;
      }
      case "attributeValueChange": {
        events.publish("pbxManagement", null, this.pbxEvent(pbxEvent.Modified, dn));
        const user = directory.devices.get(dn)?.owner;
        if (!user || user.nodeId !== this.nodeId) return;
        if (this.update(user, dn, e.attributes))
          events.publish("user", user.loginName, {
            eventName: "OnUserInfoChanged",
            loginName: user.loginName,
            user: userJson(user, this.host.voiceMailNumber?.()),
          });
        // The set's dynamic state (phone set programming's lock, camp-on, associate) changed,
        // whoever changed it: the SDK's OnDynamicStateChanged says so, the client reads it back.
        if (DYNAMIC_STATE_ATTRIBUTES.some((n) => n in e.attributes))
          events.publish("telephony", user.loginName, {
            eventName: "OnDynamicStateChanged",
            loginName: user.loginName,
          });
        return;
      }
    }
  }

  /** Apply the changed attributes O2G shows of a user; true if any. */
  private update(user: GwUser, dn: string, a: NamedAttributes): boolean {
    let changed = false;
    if (typeof a.Annu_Name === "string" && a.Annu_Name !== user.lastName) {
      user.lastName = a.Annu_Name;
      changed = true;
    }
    if (typeof a.Annu_First_Name === "string" && a.Annu_First_Name !== user.firstName) {
      user.firstName = a.Annu_First_Name;
      changed = true;
    }
    for (const [attr, field] of [
      ["E_Mail_Address", "eMailAddress"],
      ["External_Login", "externalLogin"],
    ] as const) {
      const v = a[attr];
      if (typeof v !== "string" || v === (user[field] ?? "")) continue;
      if (v) user[field] = v;
      else delete user[field];
      changed = true;
    }
    const i = user.devices.findIndex((d) => d.id === dn);
    const old = user.devices[i];
    if (typeof a.Station_Type === "string" && old && a.Station_Type !== old.subType) {
      // A device is immutable: the new set replaces it under the same number.
      const device: GwDevice = {
        id: dn,
        type: deviceTypeOf(a.Station_Type),
        subType: a.Station_Type,
        owner: user,
      };
      user.devices[i] = device;
      this.host.directory.devices.set(dn, device);
      changed = true;
    }
    // Indexes over the directory (the phone book) rebuild on its version.
    if (changed) this.host.directory.touch();
    return changed;
  }

  private pbxEvent(eventName: string, objectId: string) {
    return { eventName, objectName: "Subscriber", objectId, nodeId: String(this.nodeId) };
  }

  private userCreated(user: GwUser): void {
    this.host.events.publish("userManagement", null, {
      eventName: "OnUserCreated",
      user: userJson(user, this.host.voiceMailNumber?.()),
    });
  }

  private userDeleted(loginName: string): void {
    this.host.events.publish("userManagement", null, { eventName: "OnUserDeleted", loginName });
  }
}
