/** What an import did (or would do, in a dry run): per section, what is imported and what is not, and why. */
export interface ImportLine {
  /** The thing, as the user knows it (a torrent name, a setting key, a category). */
  item: string;
  /** Imported: where it went. Not imported: why. */
  detail: string;
}

export interface ImportSection {
  title: string;
  imported: ImportLine[];
  notImported: ImportLine[];
}

export interface ImportReport {
  /** "rdt-client" or "redriva-python". */
  source: string;
  file: string;
  /** True: nothing was written, the report is the plan. */
  dryRun: boolean;
  sections: ImportSection[];
}

export function section(title: string): ImportSection {
  return { title, imported: [], notImported: [] };
}
