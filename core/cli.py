"""The command line: `python app.py [--host H] [--port P] [--demo]` serves; subcommands run operator jobs.

Every subcommand goes through the same services (and permission checks) as the pages. Bad
arguments print argparse's message and exit with status 2; a refused or failed job exits with 1.
Each command imports its services when it runs, after `--host`/`--port` have reached the settings
and so that `--help` answers without loading the app.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from core.i18n import translate

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {port}")
    return port


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python app.py",
        description="Doorstep: home visits, residents' requests and volunteer events. "
                    "Without a command, serve the app (settings: DOORSTEP_* environment variables, see README).",
    )
    parser.add_argument("--host", help="address to listen on (default: DOORSTEP_HOST or 0.0.0.0)")
    parser.add_argument("--port", type=_port, help="port to listen on (default: DOORSTEP_PORT or 8080)")
    parser.add_argument("--demo", action="store_true", help="seed the demo organisation into an empty database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    backup = sub.add_parser("backup", help="back up the database and photos into one file")
    backup.add_argument("dest", type=Path, help="the backup file to write (.tar.gz)")

    restore = sub.add_parser("restore", help="restore a backup into an empty data folder")
    restore.add_argument("file", type=_existing_file, help="a backup made by `backup`")
    restore.add_argument("--data-dir", type=Path, help="the empty data folder (default: DOORSTEP_DATA_DIR)")
    restore.add_argument("--database-url", help="an empty PostgreSQL database, for PostgreSQL backups")

    admin = sub.add_parser("create-admin", help="create an administrator (the first one sets up the organisation)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", required=True, help="the person's name as shown in the app")
    admin.add_argument("--phone", help="a mobile number, also usable to sign in")
    admin.add_argument("--organisation", default="Doorstep", help="the organisation's name, on an empty database")
    admin.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input instead of asking twice")

    imports = sub.add_parser("import-households", help="import households from a CSV or XLSX file")
    imports.add_argument("file", type=_existing_file, help="the file (columns as on the import page)")
    imports.add_argument("--as", dest="actor", required=True,
                         help="username of the coordinator or admin the import is done as (their area rules apply)")
    imports.add_argument("--area", type=int, help="area id for rows without an area (default: the account's area)")
    imports.add_argument("--dry-run", action="store_true", help="check every row and write nothing")

    rollups = sub.add_parser("rollups", help="compare the map and coverage rollups with a recount, or rebuild them")
    action = rollups.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="report drift; exit status 1 if any")
    action.add_argument("--rebuild", action="store_true", help="recount every rollup row from the visits")
    return parser


def _message(exc: Exception) -> str:
    text = getattr(exc, "message", None)
    if not isinstance(text, str):
        return str(exc)
    params = getattr(exc, "params", {}) or {}
    return translate(text, "en").format(**params) if params else translate(text, "en")


def run_backup(args: argparse.Namespace) -> int:
    from services.backup import main as backup_main

    return backup_main(["create", str(args.dest)])


def run_restore(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from services.backup import main as backup_main

    argv = ["restore", str(args.file), "--data-dir", str(args.data_dir or get_settings().data_dir)]
    if args.database_url:
        argv += ["--database-url", args.database_url]
    return backup_main(argv)


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        print("error: the two passwords differ", file=sys.stderr)
        return None
    return first


def run_create_admin(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from core.db import session_scope, upgrade_schema
    from models import Area, Role
    from services.accounts.users import UserForm, create_user
    from services.errors import ServiceError
    from services.org.setup import create_organisation, needs_setup

    password = _read_password(args.password_stdin)
    if password is None:
        return EXIT_FAILED
    upgrade_schema()
    try:
        with session_scope() as session:
            if needs_setup(session):
                user = create_organisation(session, args.organisation, args.organisation, args.name,
                                           args.username, args.phone, password)
            else:
                root_area = session.exec(select(Area.id).where(Area.parent_id.is_(None)).order_by(Area.id)).first()
                form = UserForm(username=args.username, name=args.name, phone=args.phone, role=Role.admin,
                                area_id=root_area)
                user = create_user(session, None, form, password, must_change=False)
            username = user.username
    except ServiceError as exc:
        print(f"error: {_message(exc)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"administrator {username} created")
    return EXIT_OK


def run_import_households(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from core.db import session_scope, upgrade_schema
    from models import User
    from services.errors import ServiceError
    from services.households.importing import commit_import, preview_import

    upgrade_schema()
    try:
        with session_scope() as session:
            actor = session.exec(select(User).where(User.username == args.actor, User.active)).first()
            if actor is None:
                print(f"error: no active account named {args.actor!r}", file=sys.stderr)
                return EXIT_FAILED
            area_id = args.area if args.area is not None else actor.area_id
            preview = preview_import(session, actor, args.file.name, args.file.read_bytes(), area_id)
            for error in preview.errors:
                column = f" {error.field}" if error.field else ""
                print(f"row {error.row}{column}: {_message(error)}", file=sys.stderr)
            if not preview.ready:
                print(f"error: {len(preview.errors)} problems; nothing was imported", file=sys.stderr)
                return EXIT_FAILED
            if args.dry_run:
                print(f"{len(preview.rows)} households checked; nothing written (--dry-run)")
                return EXIT_OK
            count = commit_import(session, actor, preview)
    except ServiceError as exc:
        print(f"error: {_message(exc)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{count} households imported")
    return EXIT_OK


def run_rollups(args: argparse.Namespace) -> int:
    import time

    from core.db import get_engine, upgrade_schema
    from services.rollups.rebuild import check_database, rebuild_database

    upgrade_schema()
    started = time.perf_counter()
    if args.rebuild:
        visit_rows, household_rows = rebuild_database(get_engine())
        print(f"rollups rebuilt: {visit_rows} visit rows, {household_rows} household rows "
              f"in {time.perf_counter() - started:.1f} s")
        return EXIT_OK
    found = check_database(get_engine())
    if found.none:
        print(f"rollups exact: no drift ({time.perf_counter() - started:.1f} s)")
        return EXIT_OK
    print(f"rollups drifted: {found.visit_rows} visit rows, {found.household_rows} household rows differ "
          "from a full recount (repair: --rebuild)", file=sys.stderr)
    for line in found.examples:
        print(f"  {line}", file=sys.stderr)
    return EXIT_FAILED


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "backup": run_backup,
    "restore": run_restore,
    "create-admin": run_create_admin,
    "import-households": run_import_households,
    "rollups": run_rollups,
}


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line; argparse exits with status 2 and a clear message on bad arguments."""
    args = build_parser().parse_args(list(argv))
    if args.host:
        os.environ["DOORSTEP_HOST"] = args.host
    if args.port:
        os.environ["DOORSTEP_PORT"] = str(args.port)
    if args.demo:
        os.environ["DOORSTEP_DEMO"] = "1"
    return args


def run_command(args: argparse.Namespace) -> int:
    return COMMANDS[args.command](args)
