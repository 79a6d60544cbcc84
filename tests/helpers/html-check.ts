/**
 * A strict structural check of generated HTML for tests: doctype, balanced elements (void
 * elements excepted), quoted attributes, no stray "<" in text, and no script at all.
 * Returns the problems found (empty = fine).
 */
const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);
/** Elements whose end tag HTML allows to omit are still closed by our templates. */
const TAG =
  /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<]*"|='[^'<]*')?)*)\s*(\/?)>/y;

export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  if (!/^<!doctype html>/i.test(html)) problems.push("missing <!doctype html>");
  const body = html.replace(/^<!doctype html>/i, "");
  const stack: string[] = [];
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf("<", i);
    if (lt < 0) break;
    if (body.startsWith("<!--", lt)) {
      const end = body.indexOf("-->", lt);
      if (end < 0) {
        problems.push("unterminated comment");
        break;
      }
      i = end + 3;
      continue;
    }
    TAG.lastIndex = lt;
    const match = TAG.exec(body);
    if (!match) {
      problems.push(`stray "<" at ${lt}: ${JSON.stringify(body.slice(lt, lt + 40))}`);
      i = lt + 1;
      continue;
    }
    const [, closing, rawName, , selfClosing] = match as unknown as [string, string, string, string, string];
    const name = rawName.toLowerCase();
    if (name === "script") problems.push("contains a <script>");
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? "nothing"}> at ${lt}`);
    } else if (!VOID.has(name) && !selfClosing) {
      stack.push(name);
      // Raw text elements: skip to their end tag.
      if (name === "style" || name === "title" || name === "textarea") {
        const end = body.toLowerCase().indexOf(`</${name}>`, TAG.lastIndex);
        if (end < 0) problems.push(`unclosed <${name}>`);
        else {
          if (name !== "style" && body.slice(TAG.lastIndex, end).includes("<"))
            problems.push(`"<" inside <${name}>`);
          i = end;
          continue;
        }
      }
    }
    i = TAG.lastIndex;
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(" > ")}`);
  return problems;
}
