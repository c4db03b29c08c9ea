"""Small HTTP steps the certificate pages share: files out, files in, redirects."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from training.spreadsheets import download_headers


def redirect(url) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def download(data: bytes, media_type: str, filename: str) -> Response:
    headers = download_headers(filename)
    return Response(data, media_type=media_type, headers=headers)


async def uploaded(
    request: Request, field: str, limit: int
) -> tuple[dict[str, str], tuple[str, bytes] | None]:
    """The form's text fields, and the named file (None when none was chosen).

    At most limit + 1 bytes of the file are read: enough to tell that it is too large.
    """
    async with request.form(max_part_size=limit) as form:
        values = {name: value for name, value in form.items() if isinstance(value, str)}
        upload = form.get(field)
        if not isinstance(upload, UploadFile) or not upload.filename:
            return values, None
        return values, (upload.filename, await upload.read(limit + 1))
