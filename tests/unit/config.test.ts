import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, redactConfig } from "../../src/config/index.ts";

describe("loadConfig", () => {
  test("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(6500);
    expect(config.providers.realdebrid?.apiUrl).toBe("https://api.real-debrid.com/rest/1.0");
    expect(config.providers.alldebrid?.apiUrl).toBe("https://api.alldebrid.com");
    expect(config.providers.realdebrid?.rateLimit).toBe(250);
    expect(config.dbPath.endsWith("/data/redriva.db")).toBe(true);
    expect(config.auth.enabled).toBe(false);
    expect(config.host).toBe("127.0.0.1");
  });

  test("accepts the alias names users already have", () => {
    const config = loadConfig({ RD_TOKEN: "abc123", ALLDEBRID_API_KEY: "def456" });
    expect(config.providers.realdebrid?.token).toBe("abc123");
    expect(config.providers.alldebrid?.apiKey).toBe("def456");
  });

  test("reports one line per problem with the value it got", () => {
    let error: unknown;
    try {
      loadConfig({ RD_RATE_LIMIT: "abc", PORT: "99999", RD_API_URL: "ftp://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toContain('RD_RATE_LIMIT: expected a positive integer, got "abc"');
    expect(problems).toContain('PORT: expected a port number (0-65535), got "99999"');
    expect(problems.some((p) => p.startsWith("RD_API_URL: expected an http(s) URL"))).toBe(true);
  });

  test("DAV_STREAM: proxy by default, redirect on request, anything else refused with the choices", () => {
    expect(loadConfig({}).dav.stream).toBe("proxy");
    expect(loadConfig({ DAV_STREAM: "Redirect" }).dav.stream).toBe("redirect");
    let error: unknown;
    try {
      loadConfig({ DAV_STREAM: "302" });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toContain(
      'DAV_STREAM: expected one of proxy, redirect, got "302"',
    );
  });

  test("never prints a secret, even when it is the bad value", () => {
    const config = loadConfig({
      RD_API_TOKEN: "supersecret-token",
      REDRIVA_USERNAME: "me",
      REDRIVA_PASSWORD: "pw-secret",
    });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain("supersecret-token");
    expect(text).not.toContain("pw-secret");
    expect(config.auth.enabled).toBe(true);
    expect(config.host).toBe("0.0.0.0");
  });
});
