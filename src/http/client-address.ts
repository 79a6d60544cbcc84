import type { Context } from "hono";
import { getConnInfo } from "hono/bun";
import type { Deps } from "../deps.ts";
import type { AppEnv } from "./context.ts";

/** The socket's peer, or "unknown" when there is none (app.request() in tests). */
function peerAddress(c: Context<AppEnv>): string {
  try {
    return normalize(getConnInfo(c).remote.address ?? "unknown");
  } catch {
    return "unknown";
  }
}

/** `::ffff:1.2.3.4` and `1.2.3.4` are one client. */
function normalize(address: string): string {
  const lower = address.trim().toLowerCase();
  return lower.startsWith("::ffff:") && lower.includes(".") ? lower.slice(7) : lower;
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address === "localhost";
}

/**
 * Who is asking, as a key for the credential throttle. With TRUST_PROXY=true, X-Forwarded-For is
 * read from the right: each proxy appends the address it saw, so the right-most hop that is not
 * one of ours (loopback, or the peer itself) is the proxy's own view of the client. The leftmost
 * entries are whatever the client chose to send and never count.
 */
export function clientAddress(c: Context<AppEnv>, deps: Deps): string {
  const peer = peerAddress(c);
  if (!deps.config.trustProxy) return peer;
  const hops = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map(normalize)
    .filter((hop) => hop !== "");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!isLoopback(hop) && hop !== peer) return hop;
  }
  return peer;
}
