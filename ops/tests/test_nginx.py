"""deploy/nginx.conf keeps query strings (a pupil's name searched for) out of nginx's logs."""

import re
import shutil
import subprocess
import time
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


def _site_for(tmp: Path) -> str:
    """The shipped file on unix sockets, logging into tmp, answering in gunicorn's place."""
    site = CONF.read_text()
    site = site.replace("listen 443 ssl;", f"listen unix:{tmp}/portal.sock;")
    site = site.replace("listen 80;", f"listen unix:{tmp}/redirect.sock;")
    site = re.sub(r"^\s*ssl_certificate.*$", "", site, flags=re.MULTILINE)
    site = site.replace("/var/log/nginx/", f"{tmp}/")
    return site.replace("proxy_pass http://127.0.0.1:8000;", 'return 200 "ok";')


def _nginx_conf(tmp: Path) -> str:
    temp = " ".join(f"{kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy"))
    temp += " ".join(f" {kind}_temp_path {tmp}/{kind};" for kind in ("fastcgi", "uwsgi", "scgi"))
    return (
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/startup.log;\nevents {{}}\nhttp {{\n{temp}\n"
        f"{_site_for(tmp)}\n}}\n"
    )


def _get(tmp: Path, sock: str, method: str = "GET", url: str = SEARCH) -> int:
    transport = httpx.HTTPTransport(uds=str(tmp / sock))
    referer = f"https://portal.example.nl{url}"
    with httpx.Client(transport=transport, headers={"Referer": referer}) as client:
        return client.request(method, f"http://portal.example.nl{url}").status_code


def test_it_writes_no_searched_name_into_a_real_nginx_log(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (.ci/install-nginx)")
    (tmp_path / "nginx.conf").write_text(_nginx_conf(tmp_path))
    command = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    process = subprocess.Popen([*command, "-e", str(tmp_path / "startup.log"), "-g", "daemon off;"])
    try:
        for _ in range(100):  # nginx starts in milliseconds; the sockets say it is ready
            if (tmp_path / "portal.sock").exists() and (tmp_path / "redirect.sock").exists():
                break
            time.sleep(0.05)
        assert [_get(tmp_path, "portal.sock"), _get(tmp_path, "portal.sock", "POST")] == [200, 200]
        assert _get(tmp_path, "redirect.sock") == 301
        assert _get(tmp_path, "portal.sock", url=RESET_LINK) == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    log = (tmp_path / "opo-portal.access.log").read_text()
    assert log.count('"GET /toestemming/controle/" 200') == 1
    assert log.count('"POST /toestemming/controle/" 200') == 1
    assert log.count('"GET /toestemming/controle/" 301') == 1
    assert "Sem" not in log and "Bakker" not in log and "q=" not in log
    assert '"GET /accounts/password/reset/key/*/" 200' in log and "SECRETKEY" not in log
