"""Pages of the certificates package: public verification, certificates, and the registers."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from certificates import issuer, professional
from certificates.codes import display_code, is_valid_code, normalise_code
from certificates.corrections import reissue_certificate, revoke_certificate
from certificates.credentials import MEDIA_TYPE, check_credential, sign_credential
from certificates.downloads import download, redirect, uploaded
from certificates.issuing import CertificateError
from certificates.listing import (
    EXPIRY_WINDOWS,
    certificates_of,
    certificates_query,
    certified_courses,
)
from certificates.models import Certificate, ProfessionalCertification
from certificates.pdf import store_pdf
from certificates.register_pages import register_routes
from certificates.registers import REVIEW_LABELS
from certificates.scope import can_manage, can_read
from certificates.status import STATUS_LABELS, CertificateStatus, status_of
from certificates.throttling import count_lookup
from certificates.verification import look_up_code
from courses.localising import Localiser
from courses.placeholders import deployment_names
from training.auth import now
from training.i18n import _
from training.models import MANAGERS, READERS, Role, Staff
from training.pages import Page, client_ip, page_number, render, require_role, signed_in

MAX_CREDENTIAL_BYTES = 64 * 1024
# The public verify pages: never cached, never indexed.
PUBLIC_LOOKUP = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


# --- public verification ---------------------------------------------------------------------


async def _throttled(request: Request) -> Response | None:
    """A 429 page when this address looked up too much this minute, else None (and counted)."""
    limit = request.app.state.settings.verify_lookups_per_minute
    wait = await count_lookup(client_ip(request), now(), limit)
    if not wait:
        return None
    response = render(request, "certificates/verify.html", {"throttled": True}, status=429)
    response.headers.update({**PUBLIC_LOOKUP, "Retry-After": str(wait)})
    return response


async def verify_form(request: Request) -> Response:
    typed = request.query_params.get("code", "").strip()
    if typed:
        code = normalise_code(typed)
        shown = display_code(code) if is_valid_code(code) else code or "-"
        return redirect(request.url_for("certificates:verify", code=shown))
    return render(request, "certificates/verify.html", {})


async def verify_code(request: Request) -> Response:
    if (refusal := await _throttled(request)) is not None:
        return refusal
    lookup = await look_up_code(request.path_params["code"], now())
    response = render(
        request,
        "certificates/verify.html",
        {"lookup": lookup, "labels": STATUS_LABELS, "Status": CertificateStatus},
        status=200 if lookup.certificate else 404,
    )
    response.headers.update(PUBLIC_LOOKUP)
    return response


async def verify_credential(request: Request) -> Response:
    if (refusal := await _throttled(request)) is not None:
        return refusal
    fields, upload = await uploaded(request, "credential", MAX_CREDENTIAL_BYTES)
    token = upload[1].decode("utf-8", "replace") if upload else fields.get("token", "")
    if not token.strip() or len(token) > MAX_CREDENTIAL_BYTES:
        problem = _(
            "choisissez le fichier .jwt du certificat, tel que téléchargé (%(kb)d Ko au plus)",
            kb=MAX_CREDENTIAL_BYTES // 1024,
        )
        return render(request, "certificates/verify.html", {"upload_error": problem}, status=400)
    check = await check_credential(token, issuer.current(), now())
    response = render(
        request, "certificates/verify.html", {"check": check}, status=200 if check.valid else 422
    )
    response.headers.update(PUBLIC_LOOKUP)
    return response


async def jwks(request: Request) -> Response:
    return JSONResponse(
        {"keys": [issuer.current().jwk]}, headers={"Cache-Control": "public, max-age=3600"}
    )


# --- certificates ----------------------------------------------------------------------------


async def _certificate_or_404(request: Request) -> Certificate:
    certificate = await Certificate.get_or_none(
        id=request.path_params["certificate_id"]
    ).prefetch_related("staff__agency")
    if certificate is None:
        raise HTTPException(404)
    return certificate


async def _readable_certificate(request: Request) -> tuple[Staff, Certificate]:
    """The holder, and HR officers in scope, administrators and reporters, read a certificate."""
    me = signed_in(request)
    certificate = await _certificate_or_404(request)
    holder = certificate.staff_id == me.id  # type: ignore[attr-defined]
    if not holder and not (me.role in READERS and can_read(me, certificate.staff.agency)):
        raise HTTPException(404)
    return me, certificate


async def _managed_certificate(request: Request) -> tuple[Staff, Certificate]:
    me = require_role(request, *MANAGERS)
    certificate = await _certificate_or_404(request)
    if not can_manage(me, certificate.staff.agency):
        raise HTTPException(404)
    return me, certificate


async def my_certificates(request: Request) -> Response:
    me = signed_in(request)
    at = now()
    return render(
        request,
        "certificates/mine.html",
        {
            "certificates": [(c, status_of(c, at)) for c in await certificates_of(me.id)],
            "declarations": await ProfessionalCertification.filter(staff_id=me.id),
            "labels": STATUS_LABELS,
            "Status": CertificateStatus,
            "review_labels": REVIEW_LABELS,
            "scheme_label": professional.label_of,
        },
    )


async def _render_detail(request, me, certificate, problem: str = "", status: int = 200):
    at = now()
    history = await Certificate.filter(
        staff_id=certificate.staff_id,  # type: ignore[attr-defined]
        course_id=certificate.course_id,  # type: ignore[attr-defined]
    ).order_by("issued_at", "issue_number")
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "status": status_of(certificate, at),
            "history": [(c, status_of(c, at)) for c in history],
            "labels": STATUS_LABELS,
            "Status": CertificateStatus,
            "can_manage": can_manage(me, certificate.staff.agency),
            "problem": problem,
        },
        status=status,
    )


async def certificate_detail(request: Request) -> Response:
    me, certificate = await _readable_certificate(request)
    return await _render_detail(request, me, certificate)


async def certificate_pdf(request: Request) -> Response:
    _, certificate = await _readable_certificate(request)
    stored = await store_pdf(certificate)
    filename = f"certificat-{display_code(certificate.code)}.pdf"
    return download(stored.data, "application/pdf", filename)


async def certificate_credential(request: Request) -> Response:
    _, certificate = await _readable_certificate(request)
    token = sign_credential(certificate, issuer.current())
    filename = f"certificat-{display_code(certificate.code)}.jwt"
    return download(token.encode(), MEDIA_TYPE, filename)


async def _correct(request: Request, correction) -> Response:
    """Revoke or re-issue with the form's reason; a refusal shows on the certificate's page."""
    me, certificate = await _managed_certificate(request)
    form = await request.form()
    try:
        result = await correction(
            certificate, actor=me, reason=str(form.get("reason", "")), ip=client_ip(request)
        )
    except CertificateError as exc:
        return await _render_detail(request, me, certificate, str(exc), status=400)
    shown = result or certificate  # a re-issue shows the new certificate
    return redirect(request.url_for("certificates:detail", certificate_id=shown.id))


async def certificate_revoke(request: Request) -> Response:
    return await _correct(request, revoke_certificate)


async def certificate_reissue(request: Request) -> Response:
    return await _correct(request, reissue_certificate)


async def certificates_manage(request: Request) -> Response:
    me = require_role(request, *READERS)
    params = request.query_params
    within = int(params["within"]) if params.get("within", "").isdigit() else None
    within = within if within in EXPIRY_WINDOWS else None
    filters = {
        "q": params.get("q", "").strip(),
        "course": params.get("course", "").strip(),
        "status": params.get("status", ""),
    }
    at = now()
    query = certificates_query(me, at, within_days=within, **filters)
    size, number = request.app.state.settings.page_size, page_number(request)
    total = await query.count()
    rows = await query.offset((number - 1) * size).limit(size)
    courses = await certified_courses()
    return render(
        request,
        "certificates/manage.html",
        {
            "rows": [(c, status_of(c, at)) for c in rows],
            "page": Page(number, size, total),
            "filters": filters,
            "within": within,
            "windows": EXPIRY_WINDOWS,
            "courses": courses,
            "t": Localiser(me.language, await deployment_names(me.language)),
            "labels": STATUS_LABELS,
            "scope": me.agency if me.role == Role.HR else None,
        },
    )


routes = [
    Route("/verify", verify_form, name="certificates:verify_form"),
    Route("/verify", verify_credential, methods=["POST"], name="certificates:verify_credential"),
    Route("/verify/{code}", verify_code, name="certificates:verify"),
    Route("/.well-known/jwks.json", jwks, name="certificates:jwks"),
    Route("/certificates", my_certificates, name="certificates:mine"),
    Route("/certificates/manage", certificates_manage, name="certificates:manage"),
    Route("/certificates/{certificate_id:int}", certificate_detail, name="certificates:detail"),
    Route(
        "/certificates/{certificate_id:int}/certificate.pdf",
        certificate_pdf,
        name="certificates:pdf",
    ),
    Route(
        "/certificates/{certificate_id:int}/credential.jwt",
        certificate_credential,
        name="certificates:credential",
    ),
    Route(
        "/certificates/{certificate_id:int}/revoke",
        certificate_revoke,
        methods=["POST"],
        name="certificates:revoke",
    ),
    Route(
        "/certificates/{certificate_id:int}/reissue",
        certificate_reissue,
        methods=["POST"],
        name="certificates:reissue",
    ),
    *register_routes,
]
