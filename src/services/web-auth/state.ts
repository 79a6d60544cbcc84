import { scryptSync } from "node:crypto";
import type { Config } from "../../config/index.ts";
import type { Clock } from "../../lib/clock.ts";
import { CredentialThrottle } from "./throttle.ts";

/**
 * What the login machinery keeps for the life of the process (built once in createDeps):
 * the one credential throttle, and the key login sessions are bound to.
 */
export class WebAuthState {
  readonly throttle: CredentialThrottle;
  private key: Buffer | undefined;
  /** Set once the stored sessions were checked against the current credentials (index.ts). */
  sessionsChecked = false;

  constructor(
    private readonly auth: Config["auth"],
    clock: Clock,
  ) {
    this.throttle = new CredentialThrottle(() => clock.now());
  }

  /**
   * Derived from the configured username and password: session tokens are stored as an HMAC under
   * it, so changing either credential ends every session. scrypt, so that the database plus a
   * stolen cookie is no shortcut to the password.
   */
  get sessionKey(): Buffer {
    this.key ??= scryptSync(
      `${this.auth.username ?? ""}\0${this.auth.password ?? ""}`,
      "redriva-web-session",
      32,
    );
    return this.key;
  }
}
