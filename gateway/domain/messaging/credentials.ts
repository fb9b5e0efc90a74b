/**
 * The passwords the gateway may open users' mailboxes with, in memory only and only for as long
 * as a session that gave one lives. The 4645 logs users in with their own credentials and O2G
 * has no master account on it: a user's OXE password (checked by the node when the user
 * authenticated) opens their mailbox when the OXE administrator gave both the same password, as
 * the SDK documents; otherwise the caller gives the mailbox password (getMailboxInfo's body).
 * An administrator acting for a user can open the mailbox while that user has a session, or
 * after giving the mailbox password itself.
 *
 * Nothing here is written anywhere or logged; a session's passwords go when the session ends.
 */
export class MailboxCredentials {
  /** login -> session token -> password, the latest given last */
  private readonly byLogin = new Map<string, Map<string, string>>();
  /** session token -> logins it gave a password for */
  private readonly byToken = new Map<string, Set<string>>();

  /** `token`'s session gave `password` for `login`'s mailbox (or logged in as `login` with it). */
  remember(token: string, login: string, password: string): void {
    let m = this.byLogin.get(login);
    if (!m) {
      m = new Map();
      this.byLogin.set(login, m);
    }
    m.delete(token);
    m.set(token, password);
    let t = this.byToken.get(token);
    if (!t) {
      t = new Set();
      this.byToken.set(token, t);
    }
    t.add(login);
  }

  /** The password to try for `login`: the one given last by a live session. */
  passwordFor(login: string): string | undefined {
    const m = this.byLogin.get(login);
    if (!m) return undefined;
    let last: string | undefined;
    for (const p of m.values()) last = p;
    return last;
  }

  has(login: string): boolean {
    return this.byLogin.has(login);
  }

  /** The voice mail refused `password` for `login`: no session's copy of it is tried again. */
  refuse(login: string, password: string): void {
    const m = this.byLogin.get(login);
    if (!m) return;
    for (const [token, p] of [...m]) {
      if (p !== password) continue;
      m.delete(token);
      this.byToken.get(token)?.delete(login);
    }
    if (m.size === 0) this.byLogin.delete(login);
  }

  /** A session ended; returns the logins no password is known for any more. */
  forget(token: string): string[] {
    const logins = this.byToken.get(token);
    if (!logins) return [];
    this.byToken.delete(token);
    const gone: string[] = [];
    for (const login of logins) {
      const m = this.byLogin.get(login);
      m?.delete(token);
      if (m && m.size === 0) {
        this.byLogin.delete(login);
        gone.push(login);
      }
    }
    return gone;
  }
}
