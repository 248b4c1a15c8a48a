"""fs.open: a folder, a packed archive, a deployed site's URL; every file checked, and whatever
is wrong raised as the documented exception with the command line's message."""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pytest

import filterscope as fs
from conftest import cli, cli_json


def copy_site(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def chunk_of(site: Path) -> Path:
    return next(site.glob("sketches-0000-*.arrow"))


@pytest.fixture(scope="module")
def packed(sample_site, tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("packed") / "site.tar"
    sha = cli("pack", sample_site, "--out", out).stdout.split()[-1]
    return out, sha


class Server:
    """A static server of `root` on 127.0.0.1, in this process; a request for a path in `held`
    waits until the test releases it."""

    def __init__(self, root: Path):
        self.root, self.arrived, self.release, self.held = root, threading.Event(), threading.Event(), set()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=str(server.root), **k)

            def do_GET(self):
                if self.path in server.held:
                    server.arrived.set()
                    if not server.release.wait(120):
                        self.send_error(504)
                        return
                super().do_GET()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()


@pytest.fixture
def published(sample_site, packed, tmp_path):
    """A deployed site's layout (the page, its data/ folder) and the archive beside it."""
    root = tmp_path / "www"
    (root / "filterscope").mkdir(parents=True)
    (root / "filterscope" / "index.html").write_text("<!doctype html>")
    copy_site(sample_site, root / "filterscope" / "data")
    shutil.copy(packed[0], root / "site.tar")
    s = Server(root)
    yield s
    s.close()


def test_a_folder_an_archive_and_every_url_form_give_the_same_site(sample_site, packed, published):
    want = cli_json("compare", sample_site, "--by", "Task")
    sources = [
        sample_site,
        packed[0],
        f"{published.url}/site.tar",
        f"{published.url}/filterscope/",
        f"{published.url}/filterscope",
        f"{published.url}/filterscope/data/",
        f"{published.url}/filterscope/data/manifest.json",
    ]
    for src in sources:
        assert fs.open(src).compare("Task").json == want, src


def test_a_pinned_sha256_is_checked(sample_site, packed, published):
    tar, sha = packed
    assert fs.open(tar, sha256=sha).stats().json == cli_json("stats", sample_site)
    fs.open(sample_site, sha256=sha)
    fs.open(f"{published.url}/filterscope/", sha256=sha)
    for src in [tar, sample_site, f"{published.url}/filterscope/"]:
        with pytest.raises(fs.SiteDataError, match=f"sha256 {sha}, expected 00"):
            fs.open(src, sha256="00" * 32)


def test_a_missing_file_names_it(sample_site, tmp_path):
    site = copy_site(sample_site, tmp_path / "site")
    gone = chunk_of(site)
    gone.unlink()
    with pytest.raises(fs.SiteDataError, match=gone.name) as e:
        fs.open(site)
    assert str(e.value) in cli("stats", site, check=False).stderr


def test_a_changed_byte_is_caught_by_its_hash(sample_site, tmp_path):
    site = copy_site(sample_site, tmp_path / "site")
    chunk = chunk_of(site)
    b = bytearray(chunk.read_bytes())
    b[len(b) // 2] ^= 1
    chunk.write_bytes(bytes(b))
    with pytest.raises(fs.SiteDataError, match=f"{chunk.name}.*sha256") as e:
        fs.open(site)
    assert str(e.value) in cli("stats", site, check=False).stderr


def test_a_truncated_archive_or_a_missing_source_is_an_error(packed, tmp_path):
    cut = tmp_path / "cut.tar"
    cut.write_bytes(packed[0].read_bytes()[:5000])
    with pytest.raises(fs.SiteDataError, match="cut.tar"):
        fs.open(cut)
    with pytest.raises(fs.SiteDataError, match="nowhere"):
        fs.open(tmp_path / "nowhere")


def test_a_url_with_no_site_names_it(published):
    with pytest.raises(fs.SiteDataError, match=f"{published.url}/nothing-here/.*404"):
        fs.open(f"{published.url}/nothing-here/")


def test_a_bad_question_is_a_query_error_with_the_clis_message(sample_site):
    site = fs.open(sample_site)
    for kwargs, cli_args in [
        (dict(by="Colour"), ["--by", "Colour"]),
        (dict(by="Task", weight="layers"), ["--by", "Task", "--weight", "layers"]),
        (dict(by="Task", where="Task"), ["--by", "Task", "--where", "Task"]),
        (dict(by="Task", where="Colour=red"), ["--by", "Task", "--where", "Colour=red"]),
    ]:
        with pytest.raises(fs.QueryError) as e:
            site.compare(**kwargs)
        out = cli("compare", sample_site, *cli_args, check=False)
        assert out.returncode != 0
        assert str(e.value) in out.stderr, (kwargs, str(e.value), out.stderr)
    with pytest.raises(fs.QueryError, match="Colour"):
        site.layers(where="Colour=red")


def test_the_gil_is_released_while_rust_reads(published):
    """open() of a URL waits on a request only this process's Python server thread can answer:
    if the GIL were held through the download, the handler could not run and the wait would end
    in the server's 504 (an error), not in the site."""
    published.held.add("/filterscope/data/manifest.json")
    result = {}

    def opener():
        try:
            result["site"] = fs.open(f"{published.url}/filterscope/data/")
        except fs.Error as e:
            result["error"] = e

    t = threading.Thread(target=opener)
    t.start()
    assert published.arrived.wait(120), "the request never came"
    # The main thread runs Python here while open() is inside Rust, blocked on the response.
    published.release.set()
    t.join()
    assert "error" not in result, result
    assert result["site"].stats().n_models > 0
