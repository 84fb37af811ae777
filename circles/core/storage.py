"""File storage behind one small interface: save bytes under a random key, open, delete.

``LocalStorage`` keeps files in one folder on disk (config ``UPLOAD_FOLDER``, by default
``instance/uploads``). A key is random (never derived from a user's file name) and is the only thing a
caller keeps; ``path_for`` refuses anything that is not such a key, so no key can point outside the folder.
Another storage (an object store) can take its place by offering the same four methods.
"""

import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app

#: What a key looks like: 32 lower-case hex digits (secrets.token_hex(16)).
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")


class StorageError(Exception):
    """Storing or reading a file failed (disk full, folder not writable, file gone); ``reason`` says what."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class MissingFile(StorageError):
    """No file is stored under the key."""


class LocalStorage:
    """Files in one folder, each under its key. Writes are atomic: a temporary file in the same folder is
    written, flushed to disk and renamed, so a key never names a half-written file."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        """The file of ``key``; a key that is not 32 hex digits (``../x``, ``/etc/passwd``) is refused."""
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise StorageError("invalid storage key")
        return self.root / key

    def save(self, data: bytes) -> str:
        """Store ``data`` and return its new key."""
        key = secrets.token_hex(16)
        path = self.path_for(key)
        tmp_name = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, path)
            tmp_name = None
            self._sync_folder()
        except OSError as error:
            raise StorageError(f"could not store the file: {error.strerror or error}") from error
        finally:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
        return key

    def open(self, key: str) -> BinaryIO:
        """The stored file, opened for reading (the caller closes it)."""
        path = self.path_for(key)
        try:
            return path.open("rb")
        except FileNotFoundError as error:
            raise MissingFile("no file under this key") from error
        except OSError as error:
            raise StorageError(f"could not read the file: {error.strerror or error}") from error

    def delete(self, key: str) -> None:
        """Remove the file of ``key``; a file that is already gone is fine."""
        path = self.path_for(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise StorageError(f"could not delete the file: {error.strerror or error}") from error

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def _sync_folder(self) -> None:
        """Make the rename itself durable (best effort: not every platform can open a folder)."""
        try:
            fd = os.open(self.root, os.O_RDONLY)
        except OSError:
            return
        try:
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)


def get_storage() -> LocalStorage:
    """The app's storage: ``UPLOAD_FOLDER``, or ``<instance>/uploads`` when that is not set."""
    folder = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return LocalStorage(folder)
