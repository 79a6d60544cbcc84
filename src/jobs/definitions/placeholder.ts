import { AppError } from "../../errors.ts";
import type { JobDefinition } from "../types.ts";

/**
 * A job whose feature has not landed yet: listed on /jobs (so its schedule can be prepared)
 * but never scheduled and refused when triggered. The feature replaces the placeholder with its
 * real definition in its own file under src/jobs/definitions/.
 */
export function notAvailableYet(
  name: string,
  description: string,
  defaultSchedule: string,
  why: string,
): JobDefinition {
  return {
    name,
    description,
    defaultSchedule,
    availability: () => why,
    run: async () => {
      throw new AppError("validation", `${name} is not available: ${why}`);
    },
  };
}
