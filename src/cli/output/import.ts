import type { ImportLine, ImportReport } from "../../services/import/index.ts";

const NO_EQUIVALENT = "no Redriva equivalent";

/** The report of an import, side by side: what is (or would be) imported, what is not and why. */
export function formatImport(report: ImportReport): string[] {
  const lines: string[] = [];
  lines.push(
    report.dryRun
      ? `DRY RUN: nothing written. The plan for ${report.file} (${report.source}); run again with --apply to import.`
      : `Imported from ${report.file} (${report.source}).`,
  );
  const verb = report.dryRun ? "would be imported" : "imported";
  for (const s of report.sections) {
    lines.push("", `${s.title}: ${s.imported.length} ${verb}, ${s.notImported.length} not imported`);
    for (const l of s.imported) lines.push(`  + ${line(l)}`);
    const silent = s.notImported.filter((l) => l.detail === NO_EQUIVALENT);
    for (const l of s.notImported.filter((l) => l.detail !== NO_EQUIVALENT)) lines.push(`  - ${line(l)}`);
    if (silent.length > 0)
      lines.push(
        `  - ${NO_EQUIVALENT} (${silent.length}): ${silent.map((l) => l.item.split(" = ")[0]).join(", ")}`,
      );
  }
  const total = report.sections.reduce((n, s) => n + s.imported.length, 0);
  lines.push("", `${total} ${verb} in all.`);
  return lines;
}

function line(l: ImportLine): string {
  return `${l.item}: ${l.detail}`;
}
