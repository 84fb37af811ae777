"""File storage (circles.core.storage): random keys, atomic writes, clear errors, no way out of the folder."""

import errno
import os
from pathlib import Path

import pytest

from circles.core import storage as storage_module
from circles.core.storage import KEY_PATTERN, LocalStorage, MissingFile, StorageError, get_storage


@pytest.fixture
def store(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def test_save_and_open_give_back_the_bytes(store):
    key = store.save(b"%PDF-1.4 hallo")
    assert KEY_PATTERN.fullmatch(key)
    with store.open(key) as fh:
        assert fh.read() == b"%PDF-1.4 hallo"
    assert store.exists(key)


def test_each_save_gets_a_new_key_and_leaves_no_temporary_file(store):
    keys = {store.save(b"x") for _ in range(5)}
    assert len(keys) == 5
    assert sorted(os.listdir(store.root)) == sorted(keys)


def test_the_folder_is_made_on_first_save(tmp_path):
    store = LocalStorage(tmp_path / "a" / "b")
    key = store.save(b"data")
    assert (tmp_path / "a" / "b" / key).read_bytes() == b"data"


def test_delete_removes_the_file_and_a_missing_one_is_fine(store):
    key = store.save(b"data")
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)
    store.delete("0" * 32)


def test_opening_a_missing_file_says_so(store):
    with pytest.raises(MissingFile):
        store.open("0" * 32)
    assert issubclass(MissingFile, StorageError)


@pytest.mark.parametrize("key", [
    "", "..", "../etc/passwd", "/etc/passwd", "0" * 31, "0" * 33, "A" * 32, "g" * 32, "0" * 32 + "/",
    "../" + "0" * 29, "%2e%2e%2f" + "0" * 23, "0" * 31 + "\x00", " " + "0" * 31, None, 123,
])
def test_keys_that_are_not_storage_keys_are_refused(store, key):
    for action in (store.path_for, store.open, store.delete):
        with pytest.raises(StorageError):
            action(key)


def test_an_unwritable_folder_gives_a_storage_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StorageError) as caught:
        LocalStorage(blocker / "uploads").save(b"data")
    assert caught.value.reason.startswith("could not store the file")


def test_a_full_disk_leaves_nothing_half_written(store, monkeypatch):
    store.save(b"earlier file")
    before = sorted(os.listdir(store.root))

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_module.os, "fsync", disk_full)
    with pytest.raises(StorageError) as caught:
        store.save(b"x" * 1000)
    assert "No space left on device" in caught.value.reason
    assert sorted(os.listdir(store.root)) == before  # no key, no temporary file


def test_a_failed_rename_leaves_no_temporary_file(store, monkeypatch):
    def refuse(src, dst):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(storage_module.os, "replace", refuse)
    with pytest.raises(StorageError):
        store.save(b"data")
    assert os.listdir(store.root) == []


def test_get_storage_uses_upload_folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "elders")
    assert get_storage().root == tmp_path / "elders"
    app.config["UPLOAD_FOLDER"] = None
    assert get_storage().root == Path(app.instance_path) / "uploads"
