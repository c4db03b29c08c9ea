"""Pages of the two certification registers: one set of handlers over either register's service.

A register's service module (professional, agency_certifications) offers the same names:
MODEL, SCHEMES, RELATED, DECLARERS, the column lists, check/declare/import/query/export
functions, label_of, agency_of and is_holder.
"""

from __future__ import annotations

from types import ModuleType

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from certificates import agency_certifications, professional
from certificates.downloads import download, redirect, uploaded
from certificates.evidence import MAX_EVIDENCE_BYTES, download_name
from certificates.registers import REVIEW_LABELS, RegisterError, review
from certificates.scope import can_manage, can_read
from training.agencies import reading_scope, typed_agency
from training.agency_choice import agency_choice
from training.auth import now
from training.batches import in_batches
from training.exports import asked_format, table_download
from training.i18n import gettext
from training.models import MANAGERS, READERS, Agency, Role, Staff
from training.pages import (
    Page,
    client_ip,
    page_number,
    problems_context,
    render,
    require_role,
    signed_in,
)
from training.tabular import Problem, TableError, read_table

MAX_TABLE_BYTES = 20 * 1024 * 1024


def _code_of(chosen: Agency | None, typed: str) -> str:
    """The code of the agency an agency field named (by code or name); else what was typed,
    for the register to refuse or to match nothing."""
    return chosen.code if chosen else typed.strip()


class RegisterPages:
    def __init__(self, name: str, service: ModuleType) -> None:
        self.name = name  # in URLs, route names and template names
        self.service = service

    def url(self, request: Request, page: str, **params):
        return request.url_for(f"certificates:{self.name}_{page}", **params)

    async def _readable(self, request: Request):
        """The record, for its holder and for readers whose scope holds its agency; else 404."""
        me = signed_in(request)
        record = await self.service.MODEL.get_or_none(
            id=request.path_params["record_id"]
        ).prefetch_related(self.service.RELATED, "declared_by", "reviewed_by", "evidence")
        if record is None:
            raise HTTPException(404)
        if not self.service.is_holder(record, me) and not (
            me.role in READERS and can_read(me, self.service.agency_of(record))
        ):
            raise HTTPException(404)
        return me, record

    async def _filtered(self, request: Request, me: Staff, chosen: Agency | None):
        params = request.query_params
        filters = {
            "q": params.get("q", "").strip(),
            "scheme": params.get("scheme", ""),
            "status": params.get("status", ""),
            "agency_code": _code_of(chosen, params.get("agency", "")),
        }
        return filters, await self.service.certification_query(me, **filters)

    async def list_page(self, request: Request) -> Response:
        me = require_role(request, *READERS)
        agency = await agency_choice(reading_scope(me), request.query_params.get("agency", ""))
        filters, query = await self._filtered(request, me, agency.chosen)
        size, number = request.app.state.settings.page_size, page_number(request)
        total = await query.count()
        rows = (
            await query.offset((number - 1) * size)
            .limit(size)
            .prefetch_related(self.service.RELATED)
        )
        return render(
            request,
            f"certificates/{self.name}_list.html",
            {
                "rows": rows,
                "page": Page(number, size, total),
                "filters": filters,
                "schemes": self.service.SCHEMES,
                "review_labels": REVIEW_LABELS,
                "label_of": self.service.label_of,
                "agency": agency,
                "can_change": me.role in MANAGERS,
            },
        )

    async def export(self, request: Request) -> Response:
        me = require_role(request, *READERS)
        file_format = asked_format(request)
        typed = request.query_params.get("agency", "")
        _, query = await self._filtered(request, me, await typed_agency(reading_scope(me), typed))
        service = self.service
        batches = (
            service.export_rows(records)
            async for records in in_batches(query, *service.EXPORT_RELATED)
        )
        filename = f"registre-{self.name}-{now():%Y-%m-%d}.{file_format}"
        return await table_download(request, service.EXPORT_COLUMNS, batches, file_format, filename)

    async def _render_detail(self, request, me, record, problems=(), status=200) -> Response:
        return render(
            request,
            f"certificates/{self.name}_detail.html",
            {
                "record": record,
                "label": self.service.label_of(record),
                "review_labels": REVIEW_LABELS,
                "can_review": can_manage(me, self.service.agency_of(record))
                and record.declared_by_id != me.id,
                "problems": list(problems),
            },
            status=status,
        )

    async def detail(self, request: Request) -> Response:
        me, record = await self._readable(request)
        return await self._render_detail(request, me, record)

    async def review(self, request: Request) -> Response:
        me = require_role(request, *MANAGERS)
        _, record = await self._readable(request)
        if not can_manage(me, self.service.agency_of(record)):
            raise HTTPException(404)
        form = await request.form()
        try:
            await review(
                record,
                decision=str(form.get("decision", "")),
                note=str(form.get("note", "")),
                actor=me,
                label=f"{self.service.label_of(record)} n° {record.id}",
                ip=client_ip(request),
            )
        except RegisterError as exc:
            return await self._render_detail(request, me, record, exc.problems, status=400)
        return redirect(self.url(request, "detail", record_id=record.id))

    async def evidence(self, request: Request) -> Response:
        _, record = await self._readable(request)
        if record.evidence is None:
            raise HTTPException(404)
        name = download_name(record.evidence, f"justificatif-{self.name}-{record.id}")
        return download(record.evidence.data, record.evidence.content_type, name)

    async def _render_form(self, request, me, fields, problems=(), status=200) -> Response:
        return render(
            request,
            f"certificates/{self.name}_form.html",
            {
                "fields": fields,
                "schemes": self.service.SCHEMES,
                "agency": await agency_choice(me, fields.get("agency_code", "")),
                **problems_context(problems),
                "for_self": me.role == Role.LEARNER,
                "max_mb": MAX_EVIDENCE_BYTES // (1024 * 1024),
            },
            status=status,
        )

    async def new(self, request: Request) -> Response:
        me = require_role(request, *self.service.DECLARERS)
        if request.method == "GET":
            return await self._render_form(request, me, {})
        fields, evidence = await uploaded(request, "evidence", MAX_EVIDENCE_BYTES)
        if "agency_code" in fields:
            typed = fields["agency_code"]
            fields["agency_code"] = _code_of(await typed_agency(me, typed), typed)
        try:
            record = await self.service.declare_certification(
                fields, actor=me, evidence=evidence, ip=client_ip(request)
            )
        except RegisterError as exc:
            return await self._render_form(request, me, fields, exc.problems, status=400)
        return redirect(self.url(request, "detail", record_id=record.id))

    async def import_page(self, request: Request) -> Response:
        me = require_role(request, *MANAGERS)
        context = {
            "register": self.name,
            "columns": self.service.REQUIRED_COLUMNS,
            "optional": self.service.OPTIONAL_COLUMNS,
            "export_only": self.service.EXPORT_ONLY_COLUMNS,
            "schemes": self.service.SCHEMES,
        }
        if request.method == "GET":
            return render(request, "certificates/register_import.html", context)
        _, upload = await uploaded(request, "file", MAX_TABLE_BYTES)
        try:
            if upload is None:
                raise TableError(gettext("choisissez un fichier à importer"))
            rows = read_table(
                upload[0],
                upload[1],
                self.service.REQUIRED_COLUMNS,
                self.service.OPTIONAL_COLUMNS + self.service.EXPORT_ONLY_COLUMNS,
            )
            counts = await self.service.import_certifications(
                rows, actor=me, ip=client_ip(request), filename=upload[0]
            )
        except TableError as exc:
            problems = [Problem(0, "", str(exc))]
        except RegisterError as exc:
            problems = exc.problems
        else:
            context |= {"counts": counts, "filename": upload[0]}
            return render(request, "certificates/register_import.html", context)
        return render(
            request, "certificates/register_import.html", {**context, "problems": problems}, 400
        )

    def routes(self, prefix: str) -> list[Route]:
        name = f"certificates:{self.name}"
        record = prefix + "/{record_id:int}"
        return [
            Route(prefix, self.list_page, name=name),
            Route(f"{prefix}/new", self.new, methods=["GET", "POST"], name=f"{name}_new"),
            Route(
                f"{prefix}/import", self.import_page, methods=["GET", "POST"], name=f"{name}_import"
            ),
            Route(f"{prefix}/export", self.export, name=f"{name}_export"),
            Route(record, self.detail, name=f"{name}_detail"),
            Route(f"{record}/review", self.review, methods=["POST"], name=f"{name}_review"),
            Route(f"{record}/evidence", self.evidence, name=f"{name}_evidence"),
        ]


register_routes = [
    *RegisterPages("professional", professional).routes("/registers/professional"),
    *RegisterPages("agencies", agency_certifications).routes("/registers/agencies"),
]
