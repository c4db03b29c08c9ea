"""Pages of the courses package: catalogue, course, lessons, guide, media, follow-up, content."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from courses import catalogue, cohorts, enrolment, packs, reading
from courses.localising import Localiser, pick_language
from courses.models import Course, CourseVersion, MediaFile
from courses.packfiles import ArchiveError
from courses.placeholders import (
    DEFAULT_NAMES,
    PLACEHOLDER_KEYS,
    deployment_names,
    fill_placeholders,
    save_names,
)
from courses.rendering import render_markdown, split_title
from courses.staff_progress import course_follow_up
from training import sql
from training.auth import now
from training.i18n import _, format_date
from training.models import READERS, Role, Staff
from training.pages import Page, client_ip, page_number, render, require_role, signed_in

MAX_PACK_UPLOAD_BYTES = 20 * 1024 * 1024
MEDIA_CACHE = "private, max-age=31536000, immutable"  # a version's media never change
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _redirect(url) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _course_or_404(request: Request) -> Course:
    found = await sql.instances(
        Course,
        "slug = :slug AND current_version_id IS NOT NULL",
        {"slug": request.path_params["slug"]},
    )
    if not found:
        raise HTTPException(404)
    return found[0]


async def _texts(me: Staff, version: CourseVersion, *, named: bool = True) -> dict:
    """What every course page needs to show one version's texts in the learner's language.

    Without `named` none of the page's texts holds a placeholder: the deployment's names, a
    database read, would change nothing.
    """
    language = pick_language(me.language, version.languages)
    return {
        "t": Localiser(language, await deployment_names(language) if named else {}),
        "content_language": language,
        "language_fallback": language != me.language,
    }


@lru_cache(maxsize=1024)
def _rendered(markdown: str, names: tuple[tuple[str, str], ...], media_prefix: str) -> Markup:
    """Rendering is a pure function of the text, the official names and the media address, and
    costs more than the rest of a lesson page: each combination is rendered once per process."""
    return render_markdown(markdown, dict(names), lambda name: media_prefix + name)


def _markdown(request: Request, version: CourseVersion, t: Localiser, markdown: str) -> Markup:
    media = request.url_for("courses:media", version_id=version.id, name="-").path
    return _rendered(markdown, tuple(sorted(t.names.items())), media.removesuffix("-"))


async def course_catalogue(request: Request) -> Response:
    me = signed_in(request)
    t = Localiser(me.language, await deployment_names(me.language))
    return render(
        request,
        "courses/catalogue.html",
        {"catalogue": await catalogue.catalogue_for(me.id, t), "t": t, "today": now().date()},
    )


async def course_page(request: Request) -> Response:
    me = signed_in(request)
    course = await _course_or_404(request)
    version, mine = await enrolment.version_for(me.id, course)
    read = await reading.read_lesson_ids(mine.id) if mine else set()
    modules = await catalogue.outline(version.id)
    total = sum(len(module.lessons) for module in modules)
    prerequisites = await Course.filter(slug__in=version.prerequisites).prefetch_related(
        "current_version"
    )
    return render(
        request,
        "courses/course.html",
        {
            "course": course,
            "version": version,
            "enrolment": mine,
            "modules": modules,
            "read": read,
            "total": total,
            "prerequisites": prerequisites,
            "can_enrol": enrolment.can_enrol(course, mine),
            "newer_version": version.id != course.current_version_id,  # type: ignore[attr-defined]
            "done": request.query_params.get("done"),
            **await _texts(me, version),
        },
    )


async def enrol(request: Request) -> Response:
    me = signed_in(request)
    course = await _course_or_404(request)
    await enrolment.enrol_staff(me.id, course.id)
    return _redirect(request.url_for("courses:course", slug=course.slug))


async def resume(request: Request) -> Response:
    me = signed_in(request)
    course = await _course_or_404(request)
    version, mine = await enrolment.version_for(me.id, course)
    lesson = await reading.resume_lesson(mine, version.id)
    if lesson is None:
        return _redirect(request.url_for("courses:course", slug=course.slug))
    return _redirect(request.url_for("courses:lesson", slug=course.slug, lesson_id=lesson.id))


async def _lesson_context(request: Request):
    me = signed_in(request)
    course = await _course_or_404(request)
    version, mine = await enrolment.version_for(me.id, course)
    position = await reading.lesson_position(version.id, request.path_params["lesson_id"])
    if position is None:
        raise HTTPException(404)
    reader = await reading.reader_on(mine, position) if mine else None
    if reader is not None and reader.opens_on is not None and reader.opens_on > now().date():
        date = format_date(reader.opens_on, "long")
        raise HTTPException(403, _("Ce module s'ouvre le %(date)s pour votre cohorte.", date=date))
    return me, course, version, mine, position, reader


async def lesson_page(request: Request) -> Response:
    me, course, version, mine, position, reader = await _lesson_context(request)
    if mine is not None:
        await reading.note_lesson_opened(mine, position.lesson.id)
    texts = await _texts(me, version, named=position.named)
    return render(
        request,
        "courses/lesson.html",
        {
            "course": course,
            "version": version,
            "position": position,
            "lesson": position.lesson,
            "body": _markdown(request, version, texts["t"], texts["t"].pick(position.lesson.body)),
            "is_read": reader is not None and reader.read,
            **texts,
        },
    )


async def lesson_done(request: Request) -> Response:
    """Reading a lesson to its end enrols a learner who had not enrolled yet."""
    me, course, version, mine, position, _reader = await _lesson_context(request)
    if mine is None:
        mine = await enrolment.enrol_staff(me.id, course.id)
    completed = await reading.record_lesson_read(mine, position)
    if position.next is not None:
        target = request.url_for("courses:lesson", slug=course.slug, lesson_id=position.next.id)
        return _redirect(target)
    done = "course" if completed else "lessons"
    course_url = request.url_for("courses:course", slug=course.slug)
    return _redirect(course_url.include_query_params(done=done))


async def guide_page(request: Request) -> Response:
    me = signed_in(request)
    course = await _course_or_404(request)
    version, _ = await enrolment.version_for(me.id, course)
    texts = await _texts(me, version)
    title, guide = split_title(texts["t"].pick(version.guide))
    return render(
        request,
        "courses/guide.html",
        {
            "course": course,
            "version": version,
            "title": fill_placeholders(title, texts["t"].names),
            "guide": _markdown(request, version, texts["t"], guide),
            **texts,
        },
    )


async def media(request: Request) -> Response:
    signed_in(request)
    found = await MediaFile.get_or_none(
        version_id=request.path_params["version_id"], name=request.path_params["name"]
    )
    if found is None:
        raise HTTPException(404)
    headers = {"Cache-Control": MEDIA_CACHE, "X-Content-Type-Options": "nosniff"}
    if found.content_type == "image/svg+xml":
        # Opened on its own, an SVG is a document: this policy keeps any script in it inert.
        headers["Content-Security-Policy"] = SVG_POLICY
    return Response(found.data, media_type=found.content_type, headers=headers)


async def learning(request: Request) -> Response:
    me = signed_in(request)
    in_progress, completed = await catalogue.learning_of(me.id)
    return render(
        request,
        "courses/learning.html",
        {
            "in_progress": in_progress,
            "completed": completed,
            "cohorts": await cohorts.cohorts_of(me).prefetch_related("course__current_version"),
            "today": now().date(),
            "t": Localiser(me.language, await deployment_names(me.language)),
        },
    )


async def follow_up(request: Request) -> Response:
    me = require_role(request, *READERS)
    course = await _course_or_404(request)
    size = request.app.state.settings.page_size
    number = page_number(request)
    report = await course_follow_up(me, course, number, size)
    version = await CourseVersion.get(id=course.current_version_id)  # type: ignore[attr-defined]
    return render(
        request,
        "courses/follow_up.html",
        {
            "course": course,
            "version": version,
            "report": report,
            "page": Page(number, size, report.enrolled),
            "scope": me.agency if me.role == Role.HR else None,
            **await _texts(me, version),
        },
    )


async def _uploaded_pack(request: Request) -> tuple[str, bytes]:
    async with request.form(max_part_size=MAX_PACK_UPLOAD_BYTES) as form:
        upload = form.get("pack")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return "", b""
        return upload.filename, await upload.read()


async def content_admin(request: Request) -> Response:
    me = require_role(request, Role.ADMIN)
    context: dict = {}
    status = 200
    if request.method == "POST":
        filename, data = await _uploaded_pack(request)
        context["filename"] = filename
        try:
            if not filename.lower().endswith(".zip"):
                raise ArchiveError(_("choisissez une archive .zip contenant un ou plusieurs packs"))
            context["outcomes"] = await packs.load_packs(data, actor=me, ip=client_ip(request))
        except ArchiveError as exc:
            context["problems"], status = [str(exc)], 400
        except packs.PackRejected as exc:
            context["problems"], status = exc.problems, 400
    context["loaded"] = await packs.loaded_versions()
    context["t"] = Localiser(me.language, await deployment_names(me.language))
    return render(request, "courses/content_admin.html", context, status=status)


async def names_admin(request: Request) -> Response:
    """The deployment's names of authorities and laws, per language, as lessons show them."""
    me = require_role(request, Role.ADMIN)
    saved = None
    if request.method == "POST":
        form = await request.form()
        values = {
            (key, language): str(form.get(f"{key}.{language}", ""))
            for key in PLACEHOLDER_KEYS
            for language in DEFAULT_NAMES
        }
        saved = await save_names(values, actor=me, ip=client_ip(request))
    names = {language: await deployment_names(language) for language in DEFAULT_NAMES}
    return render(
        request,
        "courses/names.html",
        {"keys": PLACEHOLDER_KEYS, "names": names, "defaults": DEFAULT_NAMES, "saved": saved},
    )


routes = [
    Route("/courses", course_catalogue, name="courses:catalogue"),
    Route("/courses/{slug}", course_page, name="courses:course"),
    Route("/courses/{slug}/enrol", enrol, methods=["POST"], name="courses:enrol"),
    Route("/courses/{slug}/resume", resume, name="courses:resume"),
    Route("/courses/{slug}/lessons/{lesson_id:int}", lesson_page, name="courses:lesson"),
    Route(
        "/courses/{slug}/lessons/{lesson_id:int}/done",
        lesson_done,
        methods=["POST"],
        name="courses:lesson_done",
    ),
    Route("/courses/{slug}/guide", guide_page, name="courses:guide"),
    Route("/courses/{slug}/progress", follow_up, name="courses:progress"),
    Route("/media/{version_id:int}/{name}", media, name="courses:media"),
    Route("/learning", learning, name="courses:learning"),
    Route("/admin/content", content_admin, methods=["GET", "POST"], name="courses:content"),
    Route("/admin/names", names_admin, methods=["GET", "POST"], name="courses:names"),
]
