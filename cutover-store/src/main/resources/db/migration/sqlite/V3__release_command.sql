-- A deployment's release command, kept with the deployment: the run that carries it out (its id also names its log),
-- the command, when the deployment started it and saw it end, how it ended (succeeded, failed, lost, start-failed,
-- stopped), its exit code, how long its process ran, and the last 64 KiB of what it printed. A run is wanted on its
-- host while it is started and not yet ended here.
ALTER TABLE deployments ADD COLUMN release_run TEXT;
ALTER TABLE deployments ADD COLUMN release_command TEXT;
ALTER TABLE deployments ADD COLUMN release_started_at TEXT;
ALTER TABLE deployments ADD COLUMN release_ended_at TEXT;
ALTER TABLE deployments ADD COLUMN release_outcome TEXT;
ALTER TABLE deployments ADD COLUMN release_exit_code INTEGER;
ALTER TABLE deployments ADD COLUMN release_duration_ms INTEGER;
ALTER TABLE deployments ADD COLUMN release_output TEXT;
