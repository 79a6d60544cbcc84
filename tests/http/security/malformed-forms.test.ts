import { afterAll, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

/**
 * Bad input gets a clear error: a body that claims to be a form but is not one (a multipart body
 * without its final boundary, a boundary missing from the header) was a 500 from Bun's form parser.
 */
const deps = makeTestDeps({ REDRIVA_USERNAME: "admin", REDRIVA_PASSWORD: "malformed form pass" });
const app = createApp(deps);
afterAll(() => deps[Symbol.dispose]());

const MALFORMED: Array<[string, string]> = [
  ["multipart/form-data; boundary=zzz", '--zzz\r\nContent-Disposition: form-data; name="username"\r\n\r\nx'],
  ["multipart/form-data", "not a multipart body"],
];

for (const [type, body] of MALFORMED) {
  test(`POST /login with a malformed form (${type}): 400 in words, not a 500`, async () => {
    const response = await app.request("http://localhost/login", {
      method: "POST",
      headers: { "content-type": type, origin: "http://localhost" },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("The form could not be read");
  });
}

/** A logged-in browser session: the login page's anonymous cookie and token, then POST /login. */
async function logIn(): Promise<string> {
  const page = await app.request("http://localhost/login");
  const anonymous = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  const answer = await app.request("http://localhost/login", {
    method: "POST",
    headers: {
      cookie: anonymous,
      "content-type": "application/x-www-form-urlencoded",
      origin: "http://localhost",
    },
    body: new URLSearchParams({ username: "admin", password: "malformed form pass", _csrf: csrf }).toString(),
  });
  expect(answer.status).toBe(303);
  return answer.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

test("a logged-in POST whose form cannot be read (its CSRF token is in it): 400 in words, and JSON under /api/", async () => {
  const cookie = await logIn();
  const [type, body] = MALFORMED[0] as [string, string];
  const page = await app.request("http://localhost/torrents/delete", {
    method: "POST",
    headers: { cookie, "content-type": type, origin: "http://localhost" },
    body,
  });
  expect(page.status).toBe(400);
  expect(await page.text()).toContain("The form could not be read");
  const api = await app.request("http://localhost/api/symlinks/config", {
    method: "POST",
    headers: { cookie, "content-type": type, origin: "http://localhost", accept: "application/json" },
    body,
  });
  expect(api.status).toBe(400);
  const answer = (await api.json()) as { error: { code: string; message: string } };
  expect(answer.error.code).toBe("validation");
  expect(answer.error.message).toContain("The form could not be read");
});
