-- How a stopped instance ended, as its agent reported it once its process group was gone: which signal stopped it
-- and after how long, or that it had already exited. NULL while it runs, and until the agent has reported it.
ALTER TABLE instances ADD COLUMN ended TEXT;
-- The controller looks every tick for stopped instances whose end is not recorded yet: few, however many instances
-- have stopped over the months.
CREATE INDEX instances_ending ON instances (running, stopped_at) WHERE ended IS NULL;
