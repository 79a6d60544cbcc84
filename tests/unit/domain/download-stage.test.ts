import { describe, expect, test } from "bun:test";
import {
  canMove,
  DOWNLOAD_STAGES,
  type DownloadStage,
  moveTo,
  queuePriority,
  StageTransitionError,
  startOverPatch,
} from "../../../src/domain/download-stage.ts";

/** The allowed moves, written out independently of the module's table. */
const ALLOWED = new Set([
  "queued→provider",
  "queued→error",
  "queued→deleted",
  "provider→waiting",
  "provider→queued",
  "provider→error",
  "provider→deleted",
  "waiting→downloading",
  "waiting→moving",
  "waiting→error",
  "waiting→deleted",
  "downloading→waiting",
  "downloading→moving",
  "downloading→error",
  "downloading→deleted",
  "moving→extracting",
  "moving→hook",
  "moving→done",
  "moving→error",
  "moving→deleted",
  "extracting→hook",
  "extracting→done",
  "extracting→error",
  "extracting→deleted",
  "hook→done",
  "hook→error",
  "hook→deleted",
  "done→deleted",
  "error→queued",
  "error→waiting",
  "error→deleted",
]);

const pairs = DOWNLOAD_STAGES.flatMap((from) => DOWNLOAD_STAGES.map((to) => [from, to] as const));

describe("download stages", () => {
  test("the table knows the ten stages", () => {
    expect([...DOWNLOAD_STAGES]).toEqual([
      "queued",
      "provider",
      "waiting",
      "downloading",
      "moving",
      "extracting",
      "hook",
      "done",
      "error",
      "deleted",
    ]);
  });

  for (const [from, to] of pairs) {
    const key = `${from}→${to}`;
    if (from === to) {
      test(`${key}: staying writes nothing`, () => {
        expect(canMove(from, to)).toBe(true);
        expect(moveTo(from, to)).toEqual({});
      });
    } else if (ALLOWED.has(key)) {
      test(`${key}: allowed`, () => {
        expect(canMove(from, to)).toBe(true);
        expect(moveTo(from, to)).toEqual({ stage: to });
      });
    } else if (from === "deleted") {
      test(`${key}: refused, deleted stays deleted without an error`, () => {
        expect(canMove(from, to)).toBe(false);
        expect(moveTo(from, to)).toEqual({});
      });
    } else {
      test(`${key}: refused`, () => {
        expect(canMove(from, to)).toBe(false);
        expect(() => moveTo(from, to)).toThrow(StageTransitionError);
        expect(() => moveTo(from, to)).toThrow(`a download cannot go from ${from} to ${to}`);
      });
    }
  }

  test("every allowed move is reachable from a new download (no dead rows in the table)", () => {
    const reached = new Set<DownloadStage>(["queued"]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [from, to] of pairs)
        if (reached.has(from) && !reached.has(to) && canMove(from, to)) {
          reached.add(to);
          changed = true;
        }
    }
    expect([...reached].sort()).toEqual([...DOWNLOAD_STAGES].sort());
  });

  test("starting over clears the provider history and goes back to the queue", () => {
    expect(startOverPatch("error")).toEqual({
      stage: "queued",
      error: null,
      message: null,
      attempts: 0,
      next_attempt_at: 0,
      provider: null,
      provider_id: null,
      providers_tried: "",
      content_path: null,
    });
    expect(() => startOverPatch("done")).toThrow(StageTransitionError);
  });

  test("priority: force-started first, then the smaller queue order", () => {
    const a = queuePriority({ force_start: false, queue_order: 1 });
    const b = queuePriority({ force_start: false, queue_order: 2 });
    const forced = queuePriority({ force_start: true, queue_order: 1_000 });
    expect(a).toBeGreaterThan(b);
    expect(forced).toBeGreaterThan(a);
    expect(queuePriority({ force_start: false, queue_order: -3 })).toBe(3);
  });
});
