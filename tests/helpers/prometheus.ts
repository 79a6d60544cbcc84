/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: throws on any
 * line a Prometheus server would reject, and on samples whose family has no # TYPE.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES = ["_bucket", "_sum", "_count", "_total", "_created"];

/** Go's strconv.ParseFloat, which Prometheus uses: NaN and Inf in any case (prom-client writes "Nan"). */
function parseValue(text: string, line: string): number {
  if (/^[-+]?(inf|infinity)$/i.test(text))
    return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`bad value "${text}" in: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  for (;;) {
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name || text[i + name.length] !== "=" || text[i + name.length + 1] !== '"')
      throw new Error(`bad label in: ${line}`);
    i += name.length + 2;
    let value = "";
    for (;;) {
      const ch = text[i];
      if (ch === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`bad escape in: ${line}`);
        i += 2;
      } else if (ch === '"') {
        i++;
        break;
      } else {
        value += ch;
        i++;
      }
    }
    if (name in labels) throw new Error(`duplicate label ${name} in: ${line}`);
    labels[name] = value;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`expected , or } in: ${line}`);
  }
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
      if (!match) continue; // a plain comment
      const [, kind, name, rest] = match as unknown as [string, string, string, string];
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`unknown type in: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        family.type = rest;
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`bad metric name in: ${line}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(/\s+/);
    if (!rest.startsWith(" ") || parts.length < 1 || parts.length > 2)
      throw new Error(`bad sample in: ${line}`);
    const value = parseValue(parts[0] as string, line);
    const familyName = families.has(name)
      ? name
      : SUFFIXES.map((s) => (name.endsWith(s) ? name.slice(0, -s.length) : "")).find(
          (n) => n && families.has(n),
        );
    const family = familyName ? families.get(familyName) : undefined;
    if (!family || family.type === "untyped") throw new Error(`sample without # TYPE: ${line}`);
    family.samples.push({ name, labels, value });
  }
  return families;
}
