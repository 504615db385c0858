"""Per-test databases: a copied SQLite file by default, or a PostgreSQL database cloned from a
template when DOORSTEP_TEST_DATABASE_URL points at a server (CI runs the suite both ways)."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from core import db

SERVER_URL = os.environ.get("DOORSTEP_TEST_DATABASE_URL", "")
_counter = itertools.count()


def _seed_demo(url: str) -> None:
    from services.demo.organisation import seed_demo

    engine = db.make_engine(url)
    with Session(engine) as session:
        seed_demo(session, month=False)  # the month (events, requests...) would upset counts in the tests
        session.commit()
    engine.dispose()


class SqliteDatabases:
    """Migrate (and seed) once per session; each test gets a copy of the file."""

    def __init__(self, scratch: Callable[[str], Path]) -> None:
        self.scratch = scratch
        self.templates: dict[bool, Path] = {}

    def _template(self, with_demo: bool) -> Path:
        if with_demo not in self.templates:
            path = self.scratch("template-demo" if with_demo else "template-empty") / "doorstep.db"
            db.upgrade_schema(f"sqlite:///{path}")
            if with_demo:
                _seed_demo(f"sqlite:///{path}")
            self.templates[with_demo] = path
        return self.templates[with_demo]

    def create(self, data_dir: Path, with_demo: bool) -> str:
        shutil.copy(self._template(with_demo), data_dir / "doorstep.db")
        return ""  # empty: the app's default, SQLite in the data folder

    def drop(self, url: str) -> None:
        pass


class PostgresDatabases:
    """CREATE DATABASE ... TEMPLATE is a file copy on the server, but with its fsyncs ~0.3 s per
    test: the next test's database is made in the background while the current test runs."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.prefix = f"doorstep_t{os.getpid()}"
        self.templates: dict[bool, str] = {}
        self.maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")
        self.spare: dict[bool, Future[str]] = {}  # template kind -> a database being made from it

    def _url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def _template(self, with_demo: bool) -> str:
        if with_demo not in self.templates:
            name = f"{self.prefix}_tpl_{'demo' if with_demo else 'empty'}"
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._execute(f'CREATE DATABASE "{name}"')
            db.upgrade_schema(self._url(name))
            if with_demo:
                _seed_demo(self._url(name))
            self.templates[with_demo] = name
        return self.templates[with_demo]

    def _make(self, template: str) -> str:
        name = f"{self.prefix}_{next(_counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def create(self, data_dir: Path, with_demo: bool) -> str:
        template = self._template(with_demo)
        spare = self.spare.pop(with_demo, None)
        name = spare.result() if spare is not None else self._make(template)
        self.spare[with_demo] = self.maker.submit(self._make, template)
        return self._url(name)

    def drop(self, url: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        for spare in self.spare.values():
            with contextlib.suppress(Exception):
                self.drop(self._url(spare.result()))
        self.maker.shutdown()
        for name in self.templates.values():
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()
