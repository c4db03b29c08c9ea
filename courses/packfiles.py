"""Packs as file trees (relative path -> bytes), read from a folder or a guarded zip upload."""

from __future__ import annotations

import hashlib
import stat
import zipfile
from io import BytesIO
from pathlib import Path, PurePosixPath

FileTree = dict[str, bytes]

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_FILE_BYTES = 5 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 50 * 1024 * 1024
READ_CHUNK = 64 * 1024


class ArchiveError(ValueError):
    """The upload as a whole cannot be used; nothing in it is read."""


def _ignored(parts: tuple[str, ...]) -> bool:
    """Editor and OS litter (.git, .DS_Store, __MACOSX) is not part of a pack."""
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def read_directory(root: Path) -> FileTree:
    files: FileTree = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if _ignored(relative.parts) or not path.is_file():
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def _safe_name(name: str) -> str:
    """The entry's path inside the pack, refusing anything that could land outside it."""
    path = PurePosixPath(name)
    if "\\" in name or name.startswith("/") or ":" in path.parts[0] or ".." in path.parts:
        raise ArchiveError(f"chemin refusé dans l'archive : {name}")
    return path.as_posix()


def read_zip(data: bytes) -> FileTree:
    """The files of a zip, refusing unsafe paths, links and archives that inflate too much."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise ArchiveError("le fichier n'est pas une archive .zip lisible") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ArchiveError(f"l'archive contient plus de {MAX_ZIP_ENTRIES} fichiers")
        files: FileTree = {}
        total = 0
        for entry in entries:
            name = _safe_name(entry.filename)
            if entry.is_dir() or _ignored(PurePosixPath(name).parts):
                continue
            if stat.S_ISLNK(entry.external_attr >> 16):
                raise ArchiveError(f"lien symbolique refusé dans l'archive : {name}")
            content = _read_entry(archive, entry, name)
            total += len(content)
            if total > MAX_ZIP_TOTAL_BYTES:
                limit = MAX_ZIP_TOTAL_BYTES // (1024 * 1024)
                raise ArchiveError(f"l'archive décompressée dépasse {limit} Mo")
            files[name] = content
    return files


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> bytes:
    """Reads at most the limit, whatever size the entry's header claims."""
    chunks, size = [], 0
    try:
        with archive.open(entry) as handle:
            while chunk := handle.read(READ_CHUNK):
                size += len(chunk)
                if size > MAX_ZIP_FILE_BYTES:
                    limit = MAX_ZIP_FILE_BYTES // (1024 * 1024)
                    raise ArchiveError(f"{name} dépasse {limit} Mo une fois décompressé")
                chunks.append(chunk)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
        raise ArchiveError(f"{name} ne peut pas être lu dans l'archive ({exc})") from None
    return b"".join(chunks)


def split_packs(files: FileTree) -> dict[str, FileTree]:
    """Each pack's files by its folder ("phishing/"), or "" when the tree is one pack."""
    prefix = ""
    while "course.yaml" not in files:
        tops = {name.split("/", 1)[0] for name in files}
        nested = all("/" in name for name in files)
        if len(tops) != 1 or not nested:
            break
        top = tops.pop() + "/"
        prefix += top
        files = {name[len(top) :]: data for name, data in files.items()}
    if "course.yaml" in files:
        return {prefix: files}
    packs: dict[str, FileTree] = {}
    for name, data in files.items():
        if "/" in name:  # files beside the packs (a README) belong to none of them
            folder, rest = name.split("/", 1)
            packs.setdefault(f"{prefix}{folder}/", {})[rest] = data
    return packs


def content_hash(files: FileTree) -> str:
    """Changes when any file of the pack changes, is added, removed or renamed."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0%d\0" % len(files[name]))
        digest.update(files[name])
    return digest.hexdigest()
