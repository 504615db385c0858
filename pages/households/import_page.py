"""Import households from a spreadsheet: upload, preview with errors, then import all at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import events, ui
from sqlmodel import Session

from core.i18n import _, current_language
from models import NeedCategory, User
from pages.actions import load, page_user, perform
from pages.frame import frame
from pages.messages import error_text, notify_error, notify_ok
from services.errors import ServiceError
from services.households.importing import (
    MAX_BYTES,
    MAX_ROWS,
    ImportPreview,
    RowError,
    check_file_size,
    commit_import,
    preview_import,
)
from services.households.records import need_categories
from services.org.areas import area_label, areas_visible_to
from services.policy import MANAGERS

COLUMNS = ("head_name", "address", "phone", "members_count", "needs", "area", "lat", "lng", "notes")


def import_choices(session: Session, actor: User) -> tuple[dict[int, str], list[NeedCategory]]:
    areas = {a.id: area_label(session, a.id) for a in areas_visible_to(session, actor) if a.id}
    return areas, need_categories(session)


def row_error_text(error: RowError, headers: dict[str, str]) -> str:
    message = _(error.message).format(**error.params) if error.params else _(error.message)
    if not error.field:
        return _("Row {row}: {message}").format(row=error.row, message=message)
    column = headers.get(error.field, error.field)
    return _("Row {row}, {field}: {message}").format(row=error.row, field=column, message=message)


def _preview_card(preview: ImportPreview, do_import: Callable[[], Awaitable[None]]) -> None:
    """The checked file: its errors, its rows with their problems, and the import button (only when all is right)."""
    errors = preview.errors
    with ui.card().classes("ds-card"):
        ui.label(_("{file}: {n} households, {e} errors").format(
            file=preview.filename, n=len(preview.rows), e=len(errors))).classes("font-medium")
        if errors:
            with ui.column().classes("gap-1").mark("import-errors"):
                for error in errors[:200]:
                    ui.label(row_error_text(error, preview.headers)).classes("text-negative text-sm")
                if len(errors) > 200:
                    ui.label(_("… and {n} more.").format(n=len(errors) - 200)).classes("text-sm")
        columns = [{"name": "row", "label": "#", "field": "row", "align": "left"}]
        columns += [{"name": c, "label": preview.headers[c], "field": c, "align": "left"}
                    for c in COLUMNS if c in preview.headers]
        columns.append({"name": "problems", "label": _("Problems"), "field": "problems", "align": "left"})
        rows = [{"row": r.row, **r.values, "problems": "; ".join(row_error_text(e, preview.headers)
                                                                 for e in r.errors)}
                for r in preview.rows[:500]]
        table = ui.table(columns=columns, rows=rows, row_key="row").props("dense flat").classes("w-full")
        table.add_slot("body", r"""
            <q-tr :props="props" :class="props.row.problems ? 'bg-red-1' : ''">
              <q-td v-for="col in props.cols" :key="col.name" :props="props">{{ col.value }}</q-td>
            </q-tr>""")
        ui.button(_("Import {n} households").format(n=len(preview.rows)), icon="done_all",
                  on_click=do_import).mark("import-commit").set_enabled(preview.ready)


@ui.page("/admin/households/import")
async def import_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    areas, needs = await load(import_choices, user)
    zh = current_language().startswith("zh")
    need_names = [n.name_zh if zh else n.name_en for n in needs]
    state: dict[str, ImportPreview | None] = {"preview": None}
    with frame(_("Import households"), user):
        with ui.card().classes("ds-card"):
            ui.label(_("Upload a CSV or Excel (.xlsx) file with a header row. Columns: head_name (户主姓名), "
                       "address (地址), phone (电话), members_count (人数), needs (需求类别), area (所属区域), "
                       "lat (纬度), lng (经度), notes (备注).")).classes("text-sm")
            ui.label(_("Separate several needs with ; or 、. Known needs: {names}").format(
                names="、".join(need_names))).classes("text-sm text-gray-600")
            ui.label(_("At most {mb} MB and {n} households per file. Nothing is imported until every row is "
                       "correct.").format(mb=MAX_BYTES // 2**20, n=MAX_ROWS)).classes("text-sm text-gray-600")
            area = ui.select(areas, value=next(iter(areas), None), label=_("Area for rows without one")).classes(
                "w-full").mark("import-area")
            upload = ui.upload(label=_("Choose a file"), auto_upload=True, max_file_size=MAX_BYTES,
                               on_rejected=lambda: ui.notify(_("The file is too large or not a .csv/.xlsx file."),
                                                             type="negative")).props(
                'accept=".csv,.xlsx"').classes("w-full").mark("import-upload")

        @ui.refreshable
        def preview_view() -> None:
            preview = state["preview"]
            if preview is None:
                return
            _preview_card(preview, do_import)

        async def do_import() -> None:
            preview = state["preview"]
            if preview is None:
                return
            imported = await perform(commit_import, preview, roles=MANAGERS)
            if not imported:
                return
            count = imported.value
            state["preview"] = None
            preview_view.refresh()
            notify_ok(_("Imported {n} households.").format(n=count))
            with result:
                result.clear()
                ui.label(_("Imported {n} households.").format(n=count)).classes("text-positive text-lg")
                ui.link(_("Back to the households"), "/admin/households").mark("back-to-households")

        async def uploaded(e: events.UploadEventArguments) -> None:
            actor = await page_user(MANAGERS)
            if actor is None:
                return
            result.clear()
            state["preview"] = None
            try:
                check_file_size(e.file.size())  # before reading: the browser's max_file_size is advisory
                data = await e.file.read()
                state["preview"] = await load(preview_import, actor, e.file.name, data, int(area.value or 0))
            except ServiceError as exc:
                with result:
                    ui.label(error_text(exc)).classes("text-negative").mark("import-file-error")
                notify_error(exc)
            finally:
                upload.reset()
            preview_view.refresh()

        upload.on_upload(uploaded)
        preview_view()
        result = ui.column().classes("w-full")
