import { describe, expect, test } from "bun:test";
import type { KnownTorrent } from "../../../src/db/repo/library.ts";
import type { ProviderTorrent } from "../../../src/providers/types.ts";
import { classifyListed, orderPlan, STALE_AFTER_MS } from "../../../src/services/sync/plan.ts";

const NOW = Date.parse("2026-06-01T00:00:00Z");
const item = (over: Partial<ProviderTorrent> = {}): ProviderTorrent => ({
  id: "AAAAAAAAAAAAA",
  filename: "Show.S01E01.mkv",
  hash: "a".repeat(40),
  status: "downloaded",
  bytes: 100,
  progress: 100,
  host: "real-debrid.com",
  split: 2000,
  speed: null,
  seeders: null,
  links: ["https://real-debrid.com/d/L1"],
  added: "2026-05-01T00:00:00.000Z",
  ended: null,
  ...over,
});
const known = (over: Partial<KnownTorrent> = {}): KnownTorrent => ({
  id: "AAAAAAAAAAAAA",
  status: "downloaded",
  progress: 100,
  bytes: 100,
  links: JSON.stringify(["https://real-debrid.com/d/L1"]),
  filename: "Show.S01E01.mkv",
  removed_at: null,
  details_fetched_at: NOW - 1000,
  details_status: "downloaded",
  details_links: "https://real-debrid.com/d/L1",
  details_size: 100,
  details_error_at: null,
  ...over,
});
const defaults = { includeActive: false, skipErrorRetry: false, statusChangesOnly: false };

describe("classifyListed (smart sync plan)", () => {
  test.each([
    ["a torrent never seen", item(), undefined, "new"],
    ["nothing changed", item(), known(), null],
    [
      "it finished: new links",
      item({ links: ["https://real-debrid.com/d/L1", "https://real-debrid.com/d/L2"] }),
      known({ details_links: "", status: "downloading" }),
      "finished",
    ],
    ["downloaded → dead keeps its links: the list says it all", item({ status: "dead" }), known(), null],
    ["file selection changed the size", item({ bytes: 50 }), known(), "changed"],
    ["no details yet", item(), known({ details_fetched_at: null }), "missing_details"],
    ["details older than 7 days", item(), known({ details_fetched_at: NOW - STALE_AFTER_MS - 1 }), "stale"],
    ["the last details fetch failed", item(), known({ details_error_at: NOW - 5 }), "error_retry"],
    [
      "an active download is skipped by default",
      item({ status: "downloading", links: [] }),
      known({ status: "downloading", details_links: "" }),
      null,
    ],
  ] as const)("%s", (_name, listed, before, expected) => {
    expect(classifyListed(listed, before as KnownTorrent | undefined, defaults, NOW)).toBe(expected);
  });

  test("options narrow the plan", () => {
    const active = item({ status: "downloading", links: [] });
    const activeKnown = known({ status: "downloading", details_links: "" });
    expect(classifyListed(active, activeKnown, { ...defaults, includeActive: true }, NOW)).toBe("active");
    expect(
      classifyListed(item(), known({ details_error_at: 1 }), { ...defaults, skipErrorRetry: true }, NOW),
    ).toBeNull();
    expect(
      classifyListed(item(), known({ details_fetched_at: 1 }), { ...defaults, statusChangesOnly: true }, NOW),
    ).toBeNull();
    expect(classifyListed(item(), undefined, { ...defaults, statusChangesOnly: true }, NOW)).toBe("new");
  });

  test("orders by priority, keeping list order within a reason", () => {
    const plan = orderPlan([
      { torrentId: "s1", reason: "stale", priority: 6 },
      { torrentId: "n1", reason: "new", priority: 0 },
      { torrentId: "f1", reason: "finished", priority: 1 },
      { torrentId: "n2", reason: "new", priority: 0 },
    ]);
    expect(plan.map((p) => p.torrentId)).toEqual(["n1", "n2", "f1", "s1"]);
  });
});
