import { describe, expect, test } from "bun:test";
import { normalizeInfoHash } from "../../../src/domain/magnet.ts";
import type { HttpResponse } from "../../../src/providers/http/http-client.ts";
import {
  kindFromMessage,
  mapPremiumizeError,
  premiumizeBodyError,
} from "../../../src/providers/premiumize/errors.ts";
import { btihOf, itemIdOf, itemLink, mapTransfer, statusOf } from "../../../src/providers/premiumize/map.ts";
import { PM_TRANSFER_STATUSES, PmTransfer } from "../../../src/providers/premiumize/wire.ts";
import { FAILED_STATUSES, TORRENT_STATUSES } from "../../../src/providers/types.ts";

const response = (status: number, body: unknown): HttpResponse => {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  return { status, headers: new Headers(), text, data, elapsedMs: 1 };
};

describe("Premiumize statuses → ours", () => {
  test("every documented word lands on one of our statuses; failures are failures", () => {
    for (const word of PM_TRANSFER_STATUSES)
      expect(TORRENT_STATUSES as readonly string[]).toContain(statusOf(word));
    expect(["finished", "seeding"].map(statusOf)).toEqual(["downloaded", "downloaded"]);
    expect(["waiting", "queued", "running"].map(statusOf)).toEqual([
      "magnet_conversion",
      "queued",
      "downloading",
    ]);
    for (const word of ["error", "timeout", "deleted", "banned"])
      expect(FAILED_STATUSES).toContain(statusOf(word));
    // timeout/deleted may come back when re-added; banned never will.
    expect(["timeout", "deleted", "banned"].map(statusOf)).toEqual(["dead", "dead", "error"]);
  });

  test("an unknown word is kept as it comes, case is ignored for known ones", () => {
    expect(statusOf("quantum_entangled")).toBe("quantum_entangled");
    expect(statusOf("Finished")).toBe("downloaded");
  });

  test("progress is 0..1 on the wire; finished transfers report 0 and count as 100 %", () => {
    const t = (status: string, progress: number) =>
      mapTransfer(PmTransfer.parse({ id: "a1", name: "X", status, progress, src: null }));
    expect(t("running", 0.4567).progress).toBe(45.67);
    expect(t("finished", 0).progress).toBe(100);
    expect(t("running", 7).progress).toBe(100);
  });

  test("the info-hash comes from the src magnet, hex or base32; anything else has none", () => {
    const hex = "50B7DAFB7137CBECF045F78E8EFBE4AC1A90D139";
    expect(btihOf(`magnet:?xt=urn:btih:${hex}&dn=x`)).toBe(hex.toLowerCase());
    // Base32 reads as the domain's own reading does (providers may not import it).
    const base32 = "KC36W6YRG7F6Z4CF66HI566IVQNJBUJZ";
    expect(btihOf(`magnet:?dn=x&xt=urn:btih:${base32}`)).toBe(normalizeInfoHash(base32) as string);
    expect(btihOf("https://example.invalid/file.torrent")).toBeNull();
    expect(btihOf("magnet:?xt=urn:btih:not-a-hash")).toBeNull();
    const listed = mapTransfer(
      PmTransfer.parse({ id: 7, status: "queued", src: `magnet:?xt=urn:btih:${hex}` }),
    );
    expect(listed).toMatchObject({ id: "7", hash: hex.toLowerCase(), filename: "" });
  });

  test("item links round-trip any id, and nothing else is taken for one", () => {
    expect(itemIdOf(itemLink("a b/c?d"))).toBe("a b/c?d");
    expect(itemIdOf("https://real-debrid.com/d/ABC")).toBeNull();
    expect(itemIdOf(itemLink(""))).toBeNull();
  });
});

describe("Premiumize errors", () => {
  test("messages are classified by their words", () => {
    expect(kindFromMessage("customer_id and pin parameter missing or not logged in ")).toBe("auth");
    expect(kindFromMessage("You have reached the limit of active transfers.")).toBe("too_many_active");
    expect(kindFromMessage("Fair use limit reached")).toBe("fair_usage");
    expect(kindFromMessage("This content is banned (copyright).")).toBe("infringing");
    expect(kindFromMessage("Item not found.")).toBe("not_found");
    expect(kindFromMessage("Invalid src: not a valid magnet")).toBe("bad_request");
    expect(kindFromMessage("something nobody wrote yet")).toBe("unknown");
  });

  test("an error in a 200 body is an error; a body without status is a bad answer", () => {
    expect(premiumizeBodyError(response(200, { status: "success", transfers: [] }))).toBeNull();
    const auth = premiumizeBodyError(response(200, { status: "error", message: "not logged in" }));
    expect(auth?.kind).toBe("auth");
    expect(auth?.message).toContain("PREMIUMIZE_API_KEY");
    expect(premiumizeBodyError(response(200, { transfers: [] }))?.kind).toBe("bad_response");
  });

  test("the HTTP status decides for 401, 429 and 5xx, whatever the body", () => {
    expect(mapPremiumizeError(response(401, "Unauthorized")).kind).toBe("auth");
    expect(mapPremiumizeError(response(429, { status: "error", message: "Too many requests" })).kind).toBe(
      "rate_limited",
    );
    const proxy = mapPremiumizeError(response(502, "<html>Bad gateway</html>"));
    expect(proxy.kind).toBe("unavailable");
    expect(proxy.retryable).toBe(true);
    expect(mapPremiumizeError(response(400, { status: "error", message: "Item not found" })).kind).toBe(
      "not_found",
    );
  });
});
