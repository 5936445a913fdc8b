"""The portal's file storage on one machine's disk: a save that fails leaves nothing behind, and
the failure has a name that the error page can tell people about."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from django.core.files.storage import FileSystemStorage


class StorageUnavailable(OSError):
    """The file store refused a file (disk full, read-only, gone). An OSError still, so that code
    handling those keeps working; its text names no server path."""


class PortalFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)  # type: ignore[misc]  # _save is missing from the stubs
        except OSError as error:
            # Django opens the file before writing it: a full disk leaves an empty or truncated
            # file that nothing refers to. Only a file this save created is removed.
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(full_path)
            # The cause, with the path, goes to the log with the traceback; people see neither.
            raise StorageUnavailable(error.errno, "The file store is unavailable") from error
