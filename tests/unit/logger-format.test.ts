import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config/index.ts";
import { createLogger } from "../../src/logger.ts";

function capture() {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

describe("LOG_FORMAT", () => {
  test("json by default: one JSON object per line", () => {
    const out = capture();
    createLogger({ destination: out }).info({ url: "http://0.0.0.0:6500" }, "Redriva is listening");
    expect(JSON.parse(out.lines[0] as string)).toMatchObject({
      level: 30,
      msg: "Redriva is listening",
      url: "http://0.0.0.0:6500",
    });
    expect(loadConfig({}).logFormat).toBe("json");
  });

  test("pretty: one readable line with time, level, message and fields, secrets still redacted", () => {
    const out = capture();
    const log = createLogger({ destination: out, format: loadConfig({ LOG_FORMAT: "pretty" }).logFormat });
    log.warn({ job: "full-sync", token: "abcd1234secret" }, "stopping");
    const line = out.lines[0] as string;
    expect(line).toMatch(/^\d{2}:\d{2}:\d{2} WARN {2}stopping {2}job=full-sync token=\[redacted\]\n$/);
    expect(line).not.toContain("abcd1234secret");
  });

  test("anything else is refused at start-up with the value it got", () => {
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow(ConfigError);
  });
});
