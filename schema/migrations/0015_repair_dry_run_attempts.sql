-- Dry runs of repair are recorded as attempts (outcome 'planned', dry_run 1) so the history shows
-- what a run would have done; the candidate itself is left as it was.
ALTER TABLE `repair_attempts` ADD `dry_run` integer DEFAULT false NOT NULL;
