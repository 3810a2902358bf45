"""deploy/nginx.conf keeps query strings (a pupil's name searched for) out of nginx's logs."""

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "deploy" / "nginx.conf"
# Variables that write the query string, the Referer (the previous URL), the user agent or
# the client address.
LEAKY = {"request", "request_uri", "args", "query_string", "is_args", "http_referer"}
LEAKY |= {"http_user_agent", "remote_addr", "http_x_forwarded_for"}
SEARCH = "/toestemming/controle/?group=3&q=Sem+Bakker"
RESET_LINK = "/accounts/password/reset/key/3-SECRETKEY-cb1a2/"  # the key works as a password


def directives(name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", CONF.read_text(), re.MULTILINE)


def test_it_logs_every_request_in_a_format_without_query_or_referrer():
    formats = dict(value.split(None, 1) for value in directives("log_format"))
    # "access_log path;" without a format name means nginx's "combined".
    used = [(value.split() + ["combined"])[1] for value in directives("access_log")]
    assert used and all(name in formats for name in used), used
    for name in used:
        variables = set(re.findall(r"\$\{?(\w+)", formats[name]))
        assert "opo_logged_uri" in variables  # $uri, with link keys left out
        assert variables & LEAKY == set() and not any(v.startswith("arg_") for v in variables)


def test_env_example_counts_this_proxy_for_the_login_rate_limits():
    """nginx appends the client to X-Forwarded-For; with ALLAUTH_TRUSTED_PROXY_COUNT at its
    default 0 allauth counts failed logins per REMOTE_ADDR, nginx's: one guesser's 10 a
    minute would lock every parent out, and all of them share 30 logins a minute."""
    headers = directives("proxy_set_header")
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in headers
    env_example = (REPO / ".env.example").read_text()
    assert re.search(r"^ALLAUTH_TRUSTED_PROXY_COUNT=1$", env_example, re.MULTILINE)


def test_it_keeps_request_lines_out_of_the_error_log():
    assert directives("error_log") and all(v.split()[-1] == "crit" for v in directives("error_log"))


def _site_for(tmp: Path, upstream: str = 'return 200 "ok";') -> str:
    """The shipped file on unix sockets, logging into tmp, with `upstream` in gunicorn's
    place (by default nginx answering "ok" itself) and the error pages of this clone."""
    site = CONF.read_text()
    site = site.replace("listen 443 ssl;", f"listen unix:{tmp}/portal.sock;")
    site = site.replace("listen 80;", f"listen unix:{tmp}/redirect.sock;")
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.MULTILINE)
    site = re.sub(r"^\s*ssl_certificate.*$", "", site, flags=re.MULTILINE)
    site = site.replace("/var/log/nginx/", f"{tmp}/")
    site = site.replace("/srv/opo-portal/", f"{REPO}/")
    return site.replace("proxy_pass http://127.0.0.1:8000;", upstream)


def _nginx_conf(tmp: Path, upstream: str = 'return 200 "ok";', extra: str = "") -> str:
    temp = " ".join(f"{kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy"))
    temp += " ".join(f" {kind}_temp_path {tmp}/{kind};" for kind in ("fastcgi", "uwsgi", "scgi"))
    # Started as root, nginx's workers would run as nobody, who cannot reach the upstream
    # sockets in tmp.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}pid {tmp}/nginx.pid;\nerror_log {tmp}/startup.log;\nevents {{}}\n"
        f"http {{\n{temp}\n{_site_for(tmp, upstream)}\n{extra}\n}}\n"
    )


def _get(tmp: Path, sock: str, method: str = "GET", url: str = SEARCH) -> int:
    transport = httpx.HTTPTransport(uds=str(tmp / sock))
    referer = f"https://portal.example.nl{url}"
    with httpx.Client(transport=transport, headers={"Referer": referer}) as client:
        return client.request(method, f"http://portal.example.nl{url}").status_code


@contextmanager
def _nginx(tmp: Path, conf: str) -> Iterator[None]:
    """A real nginx running `conf` until the block ends."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (.ci/install-nginx)")
    (tmp / "nginx.conf").write_text(conf)
    command = [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
    process = subprocess.Popen([*command, "-e", str(tmp / "startup.log"), "-g", "daemon off;"])
    try:
        for _ in range(100):  # nginx starts in milliseconds; the sockets say it is ready
            if (tmp / "portal.sock").exists() and (tmp / "redirect.sock").exists():
                break
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_it_writes_no_searched_name_into_a_real_nginx_log(tmp_path):
    with _nginx(tmp_path, _nginx_conf(tmp_path)):
        assert [_get(tmp_path, "portal.sock"), _get(tmp_path, "portal.sock", "POST")] == [200, 200]
        assert _get(tmp_path, "redirect.sock") == 301
        assert _get(tmp_path, "portal.sock", url=RESET_LINK) == 200
    log = (tmp_path / "opo-portal.access.log").read_text()
    assert log.count('"GET /toestemming/controle/" 200') == 1
    assert log.count('"POST /toestemming/controle/" 200') == 1
    assert log.count('"GET /toestemming/controle/" 301') == 1
    assert "Sem" not in log and "Bakker" not in log and "q=" not in log
    assert '"GET /accounts/password/reset/key/*/" 200' in log and "SECRETKEY" not in log


@pytest.mark.parametrize("url", [SEARCH, "/.well-known/acme-challenge/Tok3n_-x"])
def test_port_80_only_redirects_to_https(tmp_path, url):
    """Nothing is served over plain HTTP, an ACME challenge neither (README, step 5): the
    same address on https, query included, whatever method."""
    with _nginx(tmp_path, _nginx_conf(tmp_path)):
        transport = httpx.HTTPTransport(uds=str(tmp_path / "redirect.sock"))
        with httpx.Client(transport=transport) as client:
            answers = [client.request(m, f"http://portal.example.nl{url}") for m in ("GET", "POST")]
    for answer in answers:
        assert answer.status_code == 301
        assert answer.headers["location"] == f"https://portal.example.nl{url}"
        assert "Strict-Transport-Security" not in answer.headers  # HSTS over HTTPS only


# --- nginx's own answers: gunicorn down (502), too slow (504), an upload too large (413) ---

ERRORS = REPO / "deploy" / "errors"
HSTS = "max-age=31536000; includeSubDomains; preload"  # as with DEBUG=false and .env.example
# Nothing listens on gone.sock: gunicorn stopped, or restarting.
GUNICORN_DOWN = "proxy_pass http://unix:{tmp}/gone.sock;"
# Django's own 503 ("briefly unavailable", /health/ready) from a stand-in upstream.
DJANGO_503 = 'server {{ listen unix:{tmp}/django.sock; return 503 \'{{"status": "fail"}}\'; }}'


def _portal(tmp: Path) -> httpx.Client:
    transport = httpx.HTTPTransport(uds=str(tmp / "portal.sock"))
    return httpx.Client(transport=transport, base_url="http://portal.example.nl", timeout=10)


def _addresses(text: str) -> list[str]:
    """Every address a page or stylesheet makes the browser load or go to."""
    found = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', text)
    return found + re.findall(r"url\(\s*['\"]?([^'\")]*)|@import\s+['\"]([^'\"]*)", text)


def _policy(header: str) -> set[str]:
    """A CSP's directives (django-csp writes them in an order of its own)."""
    return {directive.strip() for directive in header.split(";")}


def _own_page_checks(response: httpx.Response, client: httpx.Client, django_csp: str) -> None:
    """The portal's security headers, never cached, Dutch first, nothing from elsewhere."""
    assert response.headers["content-type"].startswith("text/html")
    assert _policy(response.headers["content-security-policy"]) == _policy(django_csp)
    assert response.headers["strict-transport-security"] == HSTS
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["server"] == "nginx"  # no version
    assert '<html lang="nl">' in response.text and '<section lang="en">' in response.text
    for address in _addresses(response.text):
        assert address.startswith(("/", "#", "data:")) and not address.startswith("//"), address
    [stylesheet] = re.findall(r'rel="stylesheet" href="([^"]+)"', response.text)
    css = client.get(stylesheet)
    assert css.status_code == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    assert _policy(css.headers["content-security-policy"]) == _policy(django_csp)
    assert [a for a in _addresses(css.text) if any(a)] == []


@pytest.fixture
def django_csp(client) -> str:
    """The policy Django sends on its pages (CONTENT_SECURITY_POLICY)."""
    return client.get("/health/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_gunicorn_down_is_our_page_with_the_portals_headers_not_nginxs(tmp_path, django_csp):
    """nginx's built-in 502 page had no CSP, no HSTS and said "nginx/1.22.1"."""
    conf = _nginx_conf(tmp_path, GUNICORN_DOWN.format(tmp=tmp_path))
    with _nginx(tmp_path, conf), _portal(tmp_path) as client:
        response = client.get("/toestemming/controle/?q=Sem+Bakker")
        assert response.status_code == 502
        assert "Het portaal is even niet bereikbaar" in response.text
        _own_page_checks(response, client, django_csp)
        posted = client.post("/toestemming/?q=Sem", data={"keuze": "nee"})
        assert posted.status_code == 502 and posted.text == response.text
    log = (tmp_path / "opo-portal.access.log").read_text()
    # The page that failed, as asked and without its query; not the error page's path.
    assert '"GET /toestemming/controle/" 502' in log and '"POST /toestemming/" 502' in log
    assert "_opo_errors/unavailable" not in log and "Bakker" not in log and "q=" not in log


@pytest.mark.django_db
def test_gunicorn_too_slow_is_the_same_page(tmp_path, django_csp):
    """A listening socket that never answers: nginx gives up after proxy_read_timeout."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "slow.sock"))
    listener.listen(8)
    upstream = f"proxy_pass http://unix:{tmp_path}/slow.sock; proxy_read_timeout 1s;"
    try:
        with _nginx(tmp_path, _nginx_conf(tmp_path, upstream)), _portal(tmp_path) as client:
            response = client.get("/toestemming/")
            assert response.status_code == 504
            _own_page_checks(response, client, django_csp)
            assert "Het portaal is even niet bereikbaar" in response.text
    finally:
        listener.close()


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_our_page(tmp_path, django_csp):
    with _nginx(tmp_path, _nginx_conf(tmp_path)), _portal(tmp_path) as client:
        response = client.post("/toestemming/foto/", content=b"\0" * (31 * 1024 * 1024))
        assert response.status_code == 413
        assert "Het bestand is te groot" in response.text
        _own_page_checks(response, client, django_csp)
    log = (tmp_path / "opo-portal.access.log").read_text()
    assert '"POST /toestemming/foto/" 413' in log


def test_djangos_own_503_passes_through_unchanged(tmp_path):
    """/health/ready's 503 and Django's "briefly unavailable" page are Django's answers:
    the error pages above replace nginx's own only (proxy_intercept_errors stays off)."""
    upstream = f"proxy_pass http://unix:{tmp_path}/django.sock;"
    conf = _nginx_conf(tmp_path, upstream, extra=DJANGO_503.format(tmp=tmp_path))
    with _nginx(tmp_path, conf), _portal(tmp_path) as client:
        response = client.get("/health/ready")
    assert (response.status_code, response.text) == (503, '{"status": "fail"}')


def test_every_error_page_nginx_names_exists():
    pages = re.findall(r"^\s*error_page\s+[\d\s]+\s(/\S+);", CONF.read_text(), re.MULTILINE)
    [alias] = re.findall(r"^\s*alias\s+/srv/opo-portal/(\S+);", CONF.read_text(), re.MULTILINE)
    assert sorted(pages) == ["/_opo_errors/too-large.html", "/_opo_errors/unavailable.html"]
    for page in pages:
        assert (REPO / alias / page.removeprefix("/_opo_errors/")).is_file(), page
    assert REPO / alias.rstrip("/") == ERRORS


# A stand-in upstream that answers with the Host header it was given.
ECHO_HOST = 'server {{ listen unix:{tmp}/echo.sock; return 200 "$http_host"; }}'


@pytest.mark.parametrize("host", ["portal.example.nl", "portal.example.nl:8443"])
def test_the_portal_is_told_the_host_with_its_port(tmp_path, host):
    """With `Host $host` a portal served on another port than 443 built its links (the
    login code e-mail, a password reset) without the port: they led nowhere."""
    upstream = f"proxy_pass http://unix:{tmp_path}/echo.sock;"
    conf = _nginx_conf(tmp_path, upstream, extra=ECHO_HOST.format(tmp=tmp_path))
    transport = httpx.HTTPTransport(uds=str(tmp_path / "portal.sock"))
    with _nginx(tmp_path, conf), httpx.Client(transport=transport) as client:
        response = client.get(f"http://{host}/", headers={"Host": host})
    assert (response.status_code, response.text) == (200, host)


def test_it_listens_on_ipv6_where_it_listens_on_ipv4():
    """A server whose name has an AAAA record was unreachable over IPv6."""
    listens = directives("listen")
    ipv4 = sorted(v for v in listens if not v.startswith("["))
    ipv6 = sorted(v.removeprefix("[::]:") for v in listens if v.startswith("[::]:"))
    assert ipv4 == ["443 ssl", "80"] and ipv6 == ipv4
