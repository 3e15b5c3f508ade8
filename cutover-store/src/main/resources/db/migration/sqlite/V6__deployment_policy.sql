-- A deploy's --strategy and --set are for that deployment: the deploy policy they make, as JSON, is kept on the
-- deployment (NULL: the release's manifest's own), and the release keeps its manifest as written, so that a config
-- change or a rollback made from that release later rolls out as the manifest says.
ALTER TABLE deployments ADD COLUMN policy TEXT;
