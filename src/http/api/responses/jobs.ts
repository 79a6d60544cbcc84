import { z } from "zod";

/** Response bodies of /api/jobs… (src/jobs/overview.ts builds them). */

export const runViewSchema = z.object({
  id: z.number(),
  job: z.string(),
  trigger: z.string(),
  status: z.enum(["running", "succeeded", "failed", "cancelled", "interrupted"]),
  startedAt: z.string().describe("ISO 8601"),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  counts: z.record(z.string(), z.number()),
  progress: z
    .object({
      phase: z.string().optional(),
      done: z.number().optional(),
      total: z.number().optional(),
      message: z.string().optional(),
    })
    .nullable(),
  error: z.string().nullable(),
  reportUrl: z.string().nullable().describe("under /reports, while the report is kept"),
  pid: z.number().nullable().describe("the process running it, when it is not the server (a CLI run)"),
});

export const jobsListSchema = z.object({
  jobs: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      schedule: z.object({
        expression: z.string().nullable().describe("cron expression, null when off"),
        source: z.enum(["default", "env", "settings"]),
        unavailable: z.string().nullable().describe("why it cannot run (its feature not configured)"),
        default: z.string(),
      }),
      nextRun: z.string().nullable(),
      running: runViewSchema.nullable(),
      last: runViewSchema.nullable(),
    }),
  ),
});

export const runsSchema = z.object({ runs: z.array(runViewSchema) });

export const runDetailSchema = z.object({ run: runViewSchema.extend({ log: z.array(z.string()) }) });
