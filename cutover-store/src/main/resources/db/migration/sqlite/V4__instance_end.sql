-- How a stopped instance ended, as its agent reported it once its process group was gone: which signal stopped it
-- and after how long, or that it had already exited. NULL while it runs, and until the agent has reported it.
ALTER TABLE instances ADD COLUMN ended TEXT;
