"""A project written with the first schema opens with today's code, backed up and intact."""

import json
import zlib
from contextlib import closing

import sqlalchemy as sa

from studio import engine
from studio.project import Project
from studio.project.content import Encoder
from studio.project.opening import migrate


def test_a_first_schema_file_is_backed_up_and_migrated(tmp_path):
    path = tmp_path / "old.ensemble"
    song = engine.compose("country road trip", 3, length_s=30)
    manifest, components = Encoder().components(song)
    raw_manifest = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    engine_ = sa.create_engine(f"sqlite:///{path}")
    with engine_.begin() as connection:
        migrate(connection, "0001")
        for made in components:
            connection.execute(sa.text("INSERT OR IGNORE INTO blobs VALUES (:h, :k, :d)"),
                               {"h": made.hash, "k": made.kind, "d": made.data})
        connection.execute(sa.text("INSERT INTO blobs VALUES ('m1', 'manifest', :d)"),
                           {"d": zlib.compress(raw_manifest)})
        connection.execute(sa.text(
            "INSERT INTO versions (parent_id, created_at, kind, message, manifest) "
            "VALUES (NULL, 1.0, 'generate', 'written by the first release', 'm1')"))
        connection.execute(sa.text("INSERT INTO meta VALUES ('head', '1')"))
    engine_.dispose()
    with closing(engine_.raw_connection()) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1

    with Project.open(path) as project:
        (version,) = project.log()
        assert version.message == "written by the first release"
        assert version.name is None and not version.starred
        assert project.load() == song
        project.star(version.id)
        assert project.recordings() == []
    backup = tmp_path / "old.ensemble.bak-v1"
    assert backup.exists()
    with closing(sa.create_engine(f"sqlite:///{backup}").raw_connection()) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
