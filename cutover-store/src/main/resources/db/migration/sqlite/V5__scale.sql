-- cutover scale: an environment's instance count per process type where it differs from what the manifest says
-- (JSON {"web": 4}; NULL: the manifest's counts), and the counts a scale deployment moves to, which become the
-- environment's when it succeeds (NULL for every other deployment: they run the environment's counts).
ALTER TABLE environments ADD COLUMN formation TEXT;
ALTER TABLE deployments ADD COLUMN formation TEXT;
