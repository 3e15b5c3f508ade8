-- cutover apps delete: the controller looks every tick for environments whose last deployment is a removal that
-- succeeded (Deployments.latestFinished): few deployments are removals, however many there are of the other kinds.
CREATE INDEX deployments_kind ON deployments (kind);
