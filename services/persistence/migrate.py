"""Bring a database schema up to date with Alembic, from code."""

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations
from services.persistence.database import Database

SCRIPT_LOCATION = Path(migrations.__file__).resolve().parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


async def upgrade(db: Database, revision: str = "head") -> None:
    config = alembic_config()

    def run(connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with db.engine.begin() as connection:
        await connection.run_sync(run)
