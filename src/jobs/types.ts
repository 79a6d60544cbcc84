import type { Deps } from "../deps.ts";
import type {
  JobContext as Context,
  JobDefinition as Definition,
  JobVariant as Variant,
} from "./contract.ts";

/** The job contract (contract.ts) bound to the Deps that createDeps builds. */
export type JobContext = Context<Deps>;
export type JobDefinition = Definition<Deps>;
export type JobVariant = Variant<Deps>;
export type { ReportSection } from "../lib/report-sections.ts";
export type { LogLevel, RunProgress as JobProgress } from "../lib/run-hooks.ts";
export type { JobOutcome, JobTrigger } from "./contract.ts";
