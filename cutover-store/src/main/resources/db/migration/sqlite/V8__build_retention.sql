-- cutover server --keep-releases N: the build of a release older than the environment's N newest is deleted from
-- disk, and its row says when (NULL: on disk). The row stays, since releases refer to it; uploading the same build
-- again clears it.
ALTER TABLE builds ADD COLUMN deleted_at TEXT;
