"""Named and starred versions, recordings kept in the file, and the unsaved-edit journal."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    with op.batch_alter_table("versions") as batch:
        batch.add_column(sa.Column("name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("starred", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("sample_rate", sa.Integer, nullable=False),
        sa.Column("channels", sa.Integer, nullable=False),
        sa.Column("audio", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("saved_at", sa.Float, nullable=False),
        sa.Column("base_version", sa.Integer, nullable=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.execute("PRAGMA user_version = 2")
