"""Pages of the training package: login, account, agencies, staff, imports, audit log."""

from __future__ import annotations

from dataclasses import replace

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from training import (
    agencies,
    agency_choice,
    agency_tree,
    audit,
    auth,
    import_process,
    import_template,
    importing,
    staff,
    staff_export,
)
from training.agencies import KIND_LABELS, AgencyError, AgencyFields
from training.exports import asked_format, table_download
from training.i18n import LANGUAGE_COOKIE, current_language, gettext
from training.models import LANGUAGES, MANAGERS, READERS, Agency, Role
from training.notifications import absolute_url
from training.pages import (
    Page,
    client_ip,
    page_number,
    problems_context,
    render,
    require_role,
    signed_in,
)
from training.spreadsheets import FORMATS
from training.staff import LANGUAGE_LABELS, ROLE_LABELS, StaffError, StaffFields
from training.tabular import Problem, TableError, read_table

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# New accounts whose password link an import's page lists: each is emailed its link too, and a
# national file's 100,000 links made an 18 MB page.
IMPORT_LINKS_SHOWN = 100
PASSWORD_PATH = "/password/set/{token}"


def _redirect(request: Request, name: str, **params) -> RedirectResponse:
    return RedirectResponse(request.url_for(name, **params), status_code=303)


def _safe_next(target: str) -> str:
    """Only same-site paths, so the login page cannot bounce users elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        auth.SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies or request.url.scheme == "https",
    )


# --- login, logout, own account --------------------------------------------------------------


async def login(request: Request) -> Response:
    next_url = _safe_next(request.query_params.get("next", "/"))
    if request.method == "GET":
        return render(request, "training/login.html", {"next": next_url})
    form = await request.form()
    identifier = str(form.get("identifier", ""))
    result = await auth.log_in(
        identifier,
        str(form.get("password", "")),
        ip=client_ip(request),
        session_hours=request.app.state.settings.session_hours,
    )
    if result.staff is None:
        if result.retry_after:
            minutes = max(1, round(result.retry_after / 60))
            error = gettext(
                "Trop de tentatives infructueuses. Réessayez dans %(n)d minute(s).", n=minutes
            )
        else:
            error = gettext("Identifiant ou mot de passe incorrect.")
        return render(
            request,
            "training/login.html",
            {"next": next_url, "error": error, "identifier": identifier},
            status=400,
        )
    # A new token on every login: a session id planted before login is never reused.
    old_token = request.cookies.get(auth.SESSION_COOKIE, "")
    if old_token:
        await auth.close_session(old_token)
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)
    _set_session_cookie(request, response, result.token)
    return response


async def logout(request: Request) -> Response:
    token = request.cookies.get(auth.SESSION_COOKIE, "")
    if token:
        await auth.close_session(token)
    response = _redirect(request, "training:login")
    response.delete_cookie(auth.SESSION_COOKIE)
    return response


async def account(request: Request) -> Response:
    me = signed_in(request)
    return render(
        request,
        "training/account.html",
        {
            "me": me,
            "role_label": ROLE_LABELS[me.role],
            "done": request.query_params.get("done"),
        },
    )


async def change_password(request: Request) -> Response:
    me = signed_in(request)
    form = await request.form()
    problem = await auth.change_password(
        me, str(form.get("current", "")), str(form.get("new", "")), str(form.get("confirm", ""))
    )
    if problem:
        return render(
            request,
            "training/account.html",
            {
                "me": me,
                "role_label": ROLE_LABELS[me.role],
                "password_error": problem,
            },
            status=400,
        )
    await auth.close_all_sessions(me.id, except_token=request.user.token)
    await audit.record(
        "staff.password_changed", actor=me, target=me.registration_number, ip=client_ip(request)
    )
    return RedirectResponse(
        request.url_for("training:account").include_query_params(done="password"), status_code=303
    )


async def set_password(request: Request) -> Response:
    token = request.path_params["token"]
    person = await staff.staff_for_password_token(token)
    if person is None:
        return render(request, "training/password_set.html", {"expired": True}, status=404)
    if request.method == "GET":
        return render(request, "training/password_set.html", {"person": person})
    form = await request.form()
    problem = await staff.set_password_with_token(
        token, str(form.get("password", "")), str(form.get("confirm", ""))
    )
    if problem:
        return render(
            request, "training/password_set.html", {"person": person, "error": problem}, status=400
        )
    return RedirectResponse(
        request.url_for("training:login").include_query_params(done="password"), status_code=303
    )


async def set_language(request: Request) -> Response:
    """The language switcher: a cookie for everyone, and the profile of a signed-in user."""
    form = await request.form()
    language = str(form.get("language", ""))
    if language not in LANGUAGES:
        raise HTTPException(400, gettext("Langue inconnue."))
    if request.user.is_authenticated:
        me = request.user.staff
        me.language = language
        await me.save(update_fields=["language"])
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies or request.url.scheme == "https",
    )
    return response


# --- agencies --------------------------------------------------------------------------------


async def agency_list(request: Request) -> Response:
    me = require_role(request, *READERS)
    params = request.query_params
    view = await agency_tree.tree_view(me, params.get("under", ""), params.get("q", ""))
    if view is None:
        raise HTTPException(404)
    return render(
        request,
        "training/agencies.html",
        {
            "view": view,
            "counts": await staff.active_counts([agency.id for agency in view.rows]),
            "kinds": KIND_LABELS,
            "can_edit": me.role == Role.ADMIN,
        },
    )


async def export_agencies(request: Request) -> Response:
    """The agencies the page shows, every one of them, in the import's format."""
    me = require_role(request, *READERS)
    file_format = asked_format(request)
    filename = f"administrations-{auth.now():%Y-%m-%d}.{file_format}"
    return await table_download(
        request, agency_tree.EXPORT_COLUMNS, agency_tree.export_rows(me), file_format, filename
    )


async def agency_suggestions(request: Request) -> Response:
    """The agencies an agency field suggests for what was typed: those the asker may choose
    (an HR officer's own, every agency for administrators and national reporters)."""
    me = require_role(request, *READERS)
    found = await agency_choice.suggestions(
        agencies.reading_scope(me), request.query_params.get("q", ""), current_language.get()
    )
    return JSONResponse(found)


def _agency_fields(form) -> AgencyFields:
    return AgencyFields(
        **{name: str(form.get(name, "")).strip() for name in AgencyFields.__dataclass_fields__}
    )


async def agency_form(request: Request) -> Response:
    me = require_role(request, Role.ADMIN)
    agency = None
    if "agency_id" in request.path_params:
        agency = await Agency.get_or_none(id=request.path_params["agency_id"]).prefetch_related(
            "parent"
        )
        if agency is None:
            raise HTTPException(404)
    if request.method == "GET":
        fields = (
            AgencyFields(
                code=agency.code,
                name_fr=agency.name_fr,
                kind=agency.kind.value,
                name_ar=agency.name_ar,
                name_en=agency.name_en,
                parent_code=agency.parent.code if agency.parent else "",
                declared_headcount=str(agency.declared_headcount),
            )
            if agency
            else AgencyFields(
                code="",
                name_fr="",
                kind="directorate",
                parent_code=request.query_params.get("parent", ""),
            )
        )
        return await _render_agency_form(request, me, fields, agency)
    fields = _agency_fields(await request.form())
    try:
        await agencies.save_agency(fields, actor=me, ip=client_ip(request), agency=agency)
    except AgencyError as exc:
        return await _render_agency_form(request, me, fields, agency, exc.problems, status=400)
    return _redirect(request, "training:agencies")


async def _render_agency_form(request, me, fields, agency, problems=(), status=200) -> Response:
    parent = await agency_choice.agency_choice(me, fields.parent_code)
    if parent.listed is not None and agency is not None:
        # Neither the agency itself nor one of its sub-agencies can be its parent.
        listed = [other for other in parent.listed if not other.path.startswith(agency.path)]
        parent = replace(parent, listed=listed)
    return render(
        request,
        "training/agency_form.html",
        {
            "fields": fields,
            "agency": agency,
            **problems_context(problems),
            "kinds": KIND_LABELS,
            "parent": parent,
        },
        status=status,
    )


async def _uploaded(request: Request) -> tuple[str, bytes]:
    async with request.form(max_part_size=MAX_UPLOAD_BYTES) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return "", b""
        return upload.filename, await upload.read()


async def agency_import(request: Request) -> Response:
    me = require_role(request, Role.ADMIN)
    if request.method == "GET":
        return render(request, "training/agency_import.html", {})
    filename, data = await _uploaded(request)
    try:
        if not filename:
            raise TableError(gettext("choisissez un fichier à importer"))
        rows = read_table(filename, data, agencies.AGENCY_COLUMNS, agencies.AGENCY_OPTIONAL)
        counts = await agencies.import_agencies(rows, actor=me, ip=client_ip(request))
    except TableError as exc:
        return render(
            request,
            "training/agency_import.html",
            {"problems": [Problem(0, "", str(exc))]},
            status=400,
        )
    except AgencyError as exc:
        return render(
            request, "training/agency_import.html", {"problems": exc.problems}, status=400
        )
    return render(request, "training/agency_import.html", {"counts": counts, "filename": filename})


# --- staff -----------------------------------------------------------------------------------


async def _staff_filters(request: Request, chosen: Agency | None) -> dict:
    """The staff list's narrowing, as the list and its export read it from the query: the
    agency (and its sub-agencies) typed as a code or a name, `chosen` what it names."""
    params = request.query_params
    return {
        "search": params.get("q", "").strip(),
        "include_inactive": params.get("inactive") == "1",
        "agency_ids": await agency_choice.subtree_ids(chosen, params.get("agency", "")),
    }


async def staff_list(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    typed_agency = request.query_params.get("agency", "").strip()
    agency = await agency_choice.agency_choice(me, typed_agency)
    filters = await _staff_filters(request, agency.chosen)
    size = request.app.state.settings.page_size
    number = page_number(request)
    rows, total = await staff.search_staff(me, page=number, page_size=size, **filters)
    return render(
        request,
        "training/staff_list.html",
        {
            "rows": rows,
            "page": Page(number, size, total),
            "q": filters["search"],
            "inactive": filters["include_inactive"],
            "typed_agency": typed_agency,
            "agency": agency,
            "roles": ROLE_LABELS,
        },
    )


async def export_staff(request: Request) -> Response:
    """The staff list's people, as its search found them, in the import's format."""
    me = require_role(request, *MANAGERS)
    file_format = asked_format(request)
    chosen = await agencies.typed_agency(me, request.query_params.get("agency", ""))
    query = staff_export.exported_staff(me, **await _staff_filters(request, chosen))
    filename = f"agents-{auth.now():%Y-%m-%d}.{file_format}"
    return await table_download(
        request, staff_export.COLUMNS, staff_export.export_rows(query), file_format, filename
    )


async def _staff_or_404(request: Request):
    me = require_role(request, *MANAGERS)
    person = await staff.staff_in_scope(me, request.path_params["staff_id"])
    if person is None:
        raise HTTPException(404)
    return me, person


async def _staff_to_manage(request: Request):
    """Like _staff_or_404, and HR officers cannot touch administrators' or reporters' accounts."""
    me, person = await _staff_or_404(request)
    if person.role not in staff.assignable_roles(me):
        raise HTTPException(403, gettext("Ce compte relève des administrateurs de la plateforme."))
    return me, person


def password_link(token: str) -> str:
    """A one-time link as the pages, its email and the command line give it: from the address
    the public reaches (a token is URL-safe base64: nothing to quote)."""
    return absolute_url(PASSWORD_PATH.format(token=token))


def _render_detail(request: Request, me, person, token: str = "") -> Response:
    """The staff page; a fresh one-time link is shown once, never put in a URL of ours."""
    link = password_link(token) if token else ""
    return render(
        request,
        "training/staff_detail.html",
        {
            "person": person,
            "roles": ROLE_LABELS,
            "languages": LANGUAGE_LABELS,
            "password_link": link,
            "can_manage": person.role in staff.assignable_roles(me),
        },
    )


async def staff_detail(request: Request) -> Response:
    me, person = await _staff_or_404(request)
    return _render_detail(request, me, person)


def _staff_fields(form) -> StaffFields:
    return StaffFields(
        **{name: str(form.get(name, "")) for name in StaffFields.__dataclass_fields__}
    )


async def _render_staff_form(request, me, fields, person, problems=(), status=200) -> Response:
    return render(
        request,
        "training/staff_form.html",
        {
            "fields": fields,
            "person": person,
            **problems_context(problems),
            "agency": await agency_choice.agency_choice(me, fields.agency_code),
            "roles": {role: ROLE_LABELS[role] for role in staff.assignable_roles(me)},
            "languages": LANGUAGE_LABELS,
        },
        status=status,
    )


async def staff_form(request: Request) -> Response:
    if "staff_id" in request.path_params:
        me, person = await _staff_to_manage(request)
    else:
        me, person = require_role(request, *MANAGERS), None
    if request.method == "GET":
        fields = (
            StaffFields(
                registration_number=person.registration_number,
                full_name=person.full_name,
                email=person.email,
                agency_code=person.agency.code,
                job_title=person.job_title,
                language=person.language,
                role=person.role.value,
            )
            if person
            else StaffFields("", "", "", me.agency.code, role=Role.LEARNER.value)
        )
        return await _render_staff_form(request, me, fields, person)
    fields = _staff_fields(await request.form())
    try:
        saved, token = await staff.save_staff(fields, actor=me, ip=client_ip(request), staff=person)
    except StaffError as exc:
        return await _render_staff_form(request, me, fields, person, exc.problems, status=400)
    if token:
        await saved.fetch_related("agency")
        return _render_detail(request, me, saved, token)
    return _redirect(request, "training:staff_detail", staff_id=saved.id)


async def staff_deactivate(request: Request) -> Response:
    me, person = await _staff_to_manage(request)
    if person.id == me.id:
        raise HTTPException(400, gettext("Vous ne pouvez pas désactiver votre propre compte."))
    await staff.deactivate(person, actor=me, ip=client_ip(request))
    return _redirect(request, "training:staff_detail", staff_id=person.id)


async def staff_reactivate(request: Request) -> Response:
    me, person = await _staff_to_manage(request)
    await staff.reactivate(person, actor=me, ip=client_ip(request))
    return _redirect(request, "training:staff_detail", staff_id=person.id)


async def staff_reset_password(request: Request) -> Response:
    me, person = await _staff_to_manage(request)
    token = await staff.reset_password(person, actor=me, ip=client_ip(request))
    return _render_detail(request, me, person, token)


async def staff_import(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    if request.method == "GET":
        return render(request, "training/staff_import.html", {})
    filename = ""
    try:
        async with request.form(max_part_size=MAX_UPLOAD_BYTES) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise importing.ImportRejected(
                    [Problem(0, "", gettext("choisissez un fichier à importer"))]
                )
            filename = upload.filename
            report = await import_process.import_upload(
                request.app.state.settings,
                upload,
                actor=me,
                ip=client_ip(request),
                links_kept=IMPORT_LINKS_SHOWN,
            )
    except importing.ImportRejected as exc:
        return render(
            request,
            "training/staff_import.html",
            {"problems": exc.problems, "filename": filename},
            status=400,
        )
    return render(
        request,
        "training/staff_import.html",
        {
            "report": report,
            "filename": filename,
            "links": [(person, password_link(token)) for person, token in report.password_links],
            "links_not_shown": report.created - len(report.password_links),
        },
    )


async def staff_import_template(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    data = await import_template.staff_template(me, current_language.get())
    return Response(
        data,
        media_type=FORMATS["xlsx"],
        headers={"Content-Disposition": 'attachment; filename="amane-agents-modele.xlsx"'},
    )


# --- audit log -------------------------------------------------------------------------------


async def audit_log(request: Request) -> Response:
    require_role(request, Role.ADMIN)
    size = request.app.state.settings.page_size
    number = page_number(request)
    action = request.query_params.get("action", "")
    events, total = await audit.list_events(number, size, action)
    return render(
        request,
        "training/audit.html",
        {
            "events": events,
            "page": Page(number, size, total),
            "action": action,
        },
    )


routes = [
    Route("/login", login, methods=["GET", "POST"], name="training:login"),
    Route("/logout", logout, methods=["POST"], name="training:logout"),
    Route("/account", account, name="training:account"),
    Route("/language", set_language, methods=["POST"], name="training:language"),
    Route("/account/password", change_password, methods=["POST"], name="training:change_password"),
    Route(PASSWORD_PATH, set_password, methods=["GET", "POST"], name="training:set_password"),
    Route("/agencies", agency_list, name="training:agencies"),
    Route("/agencies/suggestions", agency_suggestions, name="training:agency_suggestions"),
    Route("/agencies/export", export_agencies, name="training:agency_export"),
    Route("/agencies/new", agency_form, methods=["GET", "POST"], name="training:agency_new"),
    Route(
        "/agencies/import", agency_import, methods=["GET", "POST"], name="training:agency_import"
    ),
    Route(
        "/agencies/{agency_id:int}/edit",
        agency_form,
        methods=["GET", "POST"],
        name="training:agency_edit",
    ),
    Route("/staff", staff_list, name="training:staff"),
    Route("/staff/new", staff_form, methods=["GET", "POST"], name="training:staff_new"),
    Route("/staff/export", export_staff, name="training:staff_export"),
    Route("/staff/import", staff_import, methods=["GET", "POST"], name="training:staff_import"),
    Route(
        "/staff/import/model.xlsx",
        staff_import_template,
        name="training:staff_import_template",
    ),
    Route("/staff/{staff_id:int}", staff_detail, name="training:staff_detail"),
    Route(
        "/staff/{staff_id:int}/edit",
        staff_form,
        methods=["GET", "POST"],
        name="training:staff_edit",
    ),
    Route(
        "/staff/{staff_id:int}/deactivate",
        staff_deactivate,
        methods=["POST"],
        name="training:staff_deactivate",
    ),
    Route(
        "/staff/{staff_id:int}/reactivate",
        staff_reactivate,
        methods=["POST"],
        name="training:staff_reactivate",
    ),
    Route(
        "/staff/{staff_id:int}/reset-password",
        staff_reset_password,
        methods=["POST"],
        name="training:staff_reset_password",
    ),
    Route("/audit", audit_log, name="training:audit"),
]
