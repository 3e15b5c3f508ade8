-- Traffic-shifting strategies: the environment's split by release (JSON {"release": percent}; NULL: by instance
-- count), the release served at the preview host, and a human's promote, pause and resume on a deployment.
ALTER TABLE environments ADD COLUMN weights TEXT;
ALTER TABLE environments ADD COLUMN preview_release INTEGER;
ALTER TABLE deployments ADD COLUMN promotions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deployments ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
