-- Cutover's store. Times are ISO-8601 UTC text; booleans are 0/1.
CREATE TABLE apps (
    name        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
);

CREATE TABLE environments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    app              TEXT NOT NULL REFERENCES apps (name),
    name             TEXT NOT NULL,
    serving_release  INTEGER,
    config_revision  INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    UNIQUE (app, name)
);

CREATE TABLE builds (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE config_revisions (
    env_id      INTEGER NOT NULL REFERENCES environments (id),
    revision    INTEGER NOT NULL,
    vars        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (env_id, revision)
);

CREATE TABLE releases (
    env_id           INTEGER NOT NULL REFERENCES environments (id),
    number           INTEGER NOT NULL,
    build            TEXT NOT NULL REFERENCES builds (sha256),
    version          TEXT NOT NULL,
    config_revision  INTEGER NOT NULL,
    manifest         TEXT NOT NULL,
    kind             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (env_id, number)
);

CREATE TABLE deployments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id            INTEGER NOT NULL REFERENCES environments (id),
    release           INTEGER NOT NULL,
    previous_release  INTEGER,
    kind              TEXT NOT NULL,
    strategy          TEXT NOT NULL,
    phase             TEXT NOT NULL,
    state             TEXT NOT NULL,
    abort_requested   INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    finished_at       TEXT
);

-- At most one unfinished deployment per environment: the database settles racing deploys.
CREATE UNIQUE INDEX deployments_one_in_progress ON deployments (env_id) WHERE finished_at IS NULL;

CREATE TABLE deployment_events (
    deployment_id  INTEGER NOT NULL REFERENCES deployments (id),
    seq            INTEGER NOT NULL,
    at             TEXT NOT NULL,
    message        TEXT NOT NULL,
    PRIMARY KEY (deployment_id, seq)
);

CREATE TABLE instances (
    id          TEXT PRIMARY KEY,
    env_id      INTEGER NOT NULL REFERENCES environments (id),
    release     INTEGER NOT NULL,
    type        TEXT NOT NULL,
    host        TEXT NOT NULL,
    running     INTEGER NOT NULL,
    routing     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    stopped_at  TEXT
);

CREATE INDEX instances_running ON instances (running, env_id);

CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
