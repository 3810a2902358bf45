import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from opo_portal.env import (
    env_bind,
    env_bool,
    env_email,
    env_int,
    env_list,
    env_static_root,
    env_url,
)


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", default=True) is False


def test_it_rejects_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
        env_bool("FLAG")


def test_it_rejects_a_bad_or_too_small_number(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("N", 1, minimum=0)


@pytest.mark.parametrize(
    "raw", ["OPO <info@opo.nl>", "info@opo.nl, bestuur@opo.nl", "info@opo.nl\nBcc: x@y.nl", "info"]
)
def test_it_refuses_a_reply_address_that_is_not_one_bare_address(monkeypatch, raw):
    """FOUNDATION_CONTACT_EMAIL becomes a Reply-To: one address, nothing more."""
    monkeypatch.setenv("FOUNDATION_CONTACT_EMAIL", raw)
    with pytest.raises(ImproperlyConfigured, match="FOUNDATION_CONTACT_EMAIL must be one"):
        env_email("FOUNDATION_CONTACT_EMAIL")


def test_it_reads_a_reply_address_or_none(monkeypatch):
    monkeypatch.delenv("FOUNDATION_CONTACT_EMAIL", raising=False)
    assert env_email("FOUNDATION_CONTACT_EMAIL") == ""
    monkeypatch.setenv("FOUNDATION_CONTACT_EMAIL", " info@opo-borger-odoorn.nl ")
    assert env_email("FOUNDATION_CONTACT_EMAIL") == "info@opo-borger-odoorn.nl"


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]


@pytest.mark.parametrize("raw", [",", " , ", ",,"])
def test_it_refuses_a_list_of_commas_only(monkeypatch, raw):
    monkeypatch.setenv("HOSTS", raw)
    with pytest.raises(ImproperlyConfigured, match="HOSTS must name at least one value"):
        env_list("HOSTS", ["default.example"])


def test_it_reads_a_blank_list_as_empty_unless_told_otherwise(monkeypatch):
    monkeypatch.setenv("HOSTS", " ")
    assert env_list("HOSTS", ["default.example"]) == []
    with pytest.raises(ImproperlyConfigured, match="HOSTS must name at least one value"):
        env_list("HOSTS", ["default.example"], blank=False)


def test_it_rejects_a_url_with_the_wrong_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with"):
        env_url("DATABASE_URL", schemes=("postgres",))


@pytest.mark.parametrize(
    "url", ["mysql://opo:hunter2@db/opo", "postgress://opo:hunter2@db/opo", "opo:hunter2@db/opo"]
)
def test_it_keeps_the_password_of_a_url_with_the_wrong_scheme_out_of_the_message(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with") as caught:
        env_url("DATABASE_URL", schemes=("postgres", "postgresql"))
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("password", ["hun/ter2", "hun#ter2", "hun?ter2"])
def test_it_points_at_a_password_that_needs_percent_encoding(monkeypatch, password):
    """`openssl rand -base64` passwords hold '/': urlparse then read the password as the
    port, and the message sent the administrator looking at a port that was fine."""
    monkeypatch.setenv("DATABASE_URL", f"postgres://opo:{password}@db:5432/opo_portal")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_url("DATABASE_URL", schemes=("postgres",))
    assert str(caught.value) == (
        "DATABASE_URL has a port that is not a number from 0 to 65535, or a password with "
        "'/', '#' or '?' not written as %2F, %23 or %3F"
    )


@pytest.mark.parametrize(
    "url", ["smtp://mail.example:abc", "postgres://u:p@db:notaport/opo", "redis://r:99999/0"]
)
def test_it_rejects_a_url_with_a_port_that_is_not_a_port(monkeypatch, url):
    monkeypatch.setenv("SOME_URL", url)
    with pytest.raises(ImproperlyConfigured, match="SOME_URL has a port") as caught:
        env_url("SOME_URL", schemes=("smtp", "postgres", "redis"))
    assert ":p@" not in str(caught.value)  # the password stays out of the message


def test_it_refuses_the_development_secret_in_production(monkeypatch):
    import subprocess
    import sys

    env = {"DEBUG": "false", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']="
            "'opo_portal.settings';django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _setup(**env) -> subprocess.CompletedProcess:
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='opo_portal.settings';django.setup()"
    )
    env = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_it_refuses_a_short_secret_in_production():
    result = _setup(DEBUG="false", SECRET_KEY="change-me")  # as in .env.example
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr
    good_key = "production-test-key-" + "0123456789abcdef" * 2
    assert (
        _setup(DEBUG="false", SECRET_KEY=good_key, ALLOWED_HOSTS="portal.example.nl").returncode
        == 0
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("k" * 50, "SECRET_KEY must hold at least 5 different characters when DEBUG is false"),
        (
            "django-insecure-" + "0123456789abcdef" * 3,
            "SECRET_KEY must not be a key startproject made ('django-insecure-...') when "
            "DEBUG is false",
        ),
    ],
)
def test_it_refuses_a_guessable_secret_in_production(key, message):
    """Django's check --deploy warns of these (W009), but nobody runs it on a deploy: long
    enough, they started and signed every session and password-reset link."""
    result = _setup(DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_drops_the_slash_that_ends_the_site_url():
    """Links add their own: "https://portal.example.org/" made "…org//monitoring/zaken/5/"."""
    code = "from django.conf import settings; print(settings.SITE_URL)"
    assert (
        _settings_of(code, SITE_URL="https://portal.example.org/") == "https://portal.example.org"
    )


def _settings_of(code: str, **env: str) -> str:
    """What `code` prints in a fresh process whose settings read `env`."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "opo_portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("query", "starttls"),
    [
        ("", True),
        ("?tls=1", True),
        ("?tls=true", True),
        ("?tls=0", False),
        ("?tls=false", False),
        ("?tls=no", False),
        ("?tls=off", False),
    ],
)
def test_it_reads_the_tls_option_of_the_mail_url_as_a_boolean(query, starttls):
    """`?tls=false` turned STARTTLS on: only "0" counted as off."""
    code = "from django.conf import settings; print(settings.EMAIL_USE_TLS)"
    printed = _settings_of(code, EMAIL_URL=f"smtp://mail.example:25{query}")
    assert printed == str(starttls)


@pytest.mark.parametrize("level", ["info", "Warning", "DEBUG"])
def test_it_takes_a_log_level_in_any_case(level):
    result = _setup(LOG_LEVEL=level)
    assert result.returncode == 0, result.stderr[-300:]


def test_it_refuses_an_unknown_log_level_naming_the_setting():
    result = _setup(LOG_LEVEL="verbose")
    assert result.returncode != 0
    assert "LOG_LEVEL must be DEBUG, INFO" in result.stderr


def test_it_documents_every_setting_in_env_example():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set(
        re.findall(r'env_\w+\(\s*"([A-Z_]+)"', (root / "opo_portal/settings.py").read_text())
    )
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    assert read
    assert sorted(read - documented) == []
    # The production start reads its own: gunicorn's config and deploy/run-prod.
    gunicorn = (root / "deploy/gunicorn.conf.py").read_text()
    started = set(re.findall(r'(?:os\.environ\.get|env_\w+)\(\s*"([A-Z_]+)"', gunicorn))
    started |= set(re.findall(r"\$\{([A-Z_]+)(?::-|\})", (root / "deploy/run-prod").read_text()))
    assert {"BIND", "WEB_CONCURRENCY", "CELERY_QUEUES"} <= started
    assert sorted(started - documented) == []


def test_env_example_loads_in_the_shell_as_the_readme_says(tmp_path):
    """README step 4: `set -a; . ./.env; set +a`. A value bash cannot parse stops the file
    there, silently: every variable after it (BIND, LOG_FORMAT, ...) was never set."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    # Also every commented example, as someone uncommenting it would load it.
    text = re.sub(r"^# ?([A-Z_]+=)", r"\1", text, flags=re.M)
    env_file = tmp_path / ".env"
    env_file.write_text(text)
    result = subprocess.run(
        ["bash", "-c", 'set -a; . "$0"; set +a; env', str(env_file)],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stderr == ""
    loaded = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert sorted(set(re.findall(r"^([A-Z_]+)=", text, re.M)) - set(loaded)) == []
    assert loaded["DEFAULT_FROM_EMAIL"] == "OPO Portal <noreply@opo-borger-odoorn.nl>"


PROJECT = Path("/srv/opo-portal")
DEFAULT_STATIC = PROJECT / "var" / "static"


@pytest.mark.parametrize("raw", ["", " ", "var/static"])
def test_it_reads_a_blank_static_root_as_the_default_and_a_relative_one_in_the_clone(
    monkeypatch, raw
):
    monkeypatch.setenv("STATIC_ROOT", raw)
    assert env_static_root("STATIC_ROOT", DEFAULT_STATIC, PROJECT) == DEFAULT_STATIC


@pytest.mark.parametrize("raw", [".", "/srv/opo-portal", "/srv/opo-portal/", "/srv", "/", ".."])
def test_it_refuses_a_static_root_that_holds_the_code(monkeypatch, raw):
    """STATIC_ROOT= (blank) was Path("") = the working directory, the clone under
    run-prod: `release` collected into it and WhiteNoise served every file of the clone,
    /static/.env (SECRET_KEY, the database's password) included."""
    monkeypatch.setenv("STATIC_ROOT", raw)
    with pytest.raises(ImproperlyConfigured, match="STATIC_ROOT must be a directory of its own"):
        env_static_root("STATIC_ROOT", DEFAULT_STATIC, PROJECT)


@pytest.mark.parametrize(
    ("raw", "bind"),
    [
        ("", "127.0.0.1:8000"),  # blank was gunicorn's 0.0.0.0:8000, every interface
        ("0.0.0.0:8000", "0.0.0.0:8000"),  # the Dockerfile's
        ("portal.internal:80", "portal.internal:80"),
        ("[::1]:8000", "[::1]:8000"),
        ("unix:/run/opo/gunicorn.sock", "unix:/run/opo/gunicorn.sock"),
        ("fd://3", "fd://3"),
    ],
)
def test_it_reads_the_addresses_gunicorn_binds(monkeypatch, raw, bind):
    """The refused ones: ops/tests/test_run_prod.py, through deploy/run-prod web."""
    monkeypatch.setenv("BIND", raw)
    assert env_bind("BIND", "127.0.0.1:8000") == bind
