"""The photo check in a real headless Chromium: preview in place, draw, type, download.

Marked e2e (`make e2e`); skipped when no Chromium/chromedriver can be started.
"""

import importlib
import time
from io import BytesIO

import pytest
from django.apps import apps as django_apps
from PIL import Image, ImageStat

from consent.photo import testkit

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser(tmp_path):
    """Debian's Chromium and chromedriver by path, never a downloaded browser."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from opo_portal.tests.e2e_support import CHROMEDRIVER, chromium_options, require_browser_tools

    require_browser_tools()
    options = chromium_options((1200, 1000), str(tmp_path / "profile"), str(tmp_path / "downloads"))
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(tmp_path / "downloads"), "intl.accept_languages": "en"},
    )
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    yield driver
    driver.quit()


@pytest.fixture
def teacher_page(transactional_db, browser, live_server, client, teacher_a, settings, tmp_path):
    # The channels are seeded by a data migration; earlier transactional tests flushed them.
    seed_purposes = importlib.import_module("consent.migrations.0002_seed_purposes").seed
    seed_purposes(django_apps, None)
    settings.LANGUAGE_CODE = "en"
    client.force_login(teacher_a)
    browser.get(live_server.url + "/health/")
    browser.add_cookie(
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"}
    )
    browser.get(live_server.url + "/foto/")
    return browser


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


def show_preview(driver, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    photo = tmp_path / "IMG_0042.JPG"
    photo.write_bytes(testkit.camera_jpeg(testkit.upright_scene(960, 640)))
    driver.find_element(By.ID, "id_photo").send_keys(str(photo))
    Select(driver.find_element(By.ID, "id_channel")).select_by_index(1)  # after "Choose a channel"
    driver.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    return wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".photo-stage img"))[0]


def rectangles(driver) -> list[list[int]]:
    from selenium.webdriver.common.by import By

    text = driver.find_element(By.ID, "id_rectangles").get_property("value")
    return [[int(n) for n in line.split(",")] for line in text.splitlines() if line.strip()]


def test_it_previews_in_place_and_keeps_the_file(teacher_page, tmp_path):
    show_preview(teacher_page, tmp_path)
    assert (
        teacher_page.execute_script("return document.getElementById('id_photo').files.length") == 1
    )
    assert (
        teacher_page.execute_script("return document.querySelectorAll('[data-photo-nojs]').length")
        == 0
    )


@pytest.mark.parametrize("pointer", ["mouse", "touch"])
def test_it_turns_a_drawn_rectangle_into_original_pixels(teacher_page, tmp_path, pointer):
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput

    image = show_preview(teacher_page, tmp_path)
    shown = image.size["width"]
    scale = 960 / shown
    box = teacher_page.execute_script(
        "arguments[0].scrollIntoView({block: 'start'});"
        "var r = arguments[0].getBoundingClientRect(); return {x: r.left, y: r.top};",
        image,
    )
    actions = ActionBuilder(
        teacher_page,
        mouse=PointerInput(getattr(interaction, f"POINTER_{pointer.upper()}"), pointer),
    )
    actions.pointer_action.move_to_location(int(box["x"] + 100), int(box["y"] + 50))
    actions.pointer_action.pointer_down()
    actions.pointer_action.move_to_location(int(box["x"] + 300), int(box["y"] + 250))
    actions.pointer_action.pointer_up()
    actions.perform()
    [[x, y, w, h]] = wait_for(lambda: rectangles(teacher_page))
    for got, want in ((x, 100), (y, 50), (w, 200), (h, 200)):
        assert abs(got - want * scale) <= 2 * scale + 1


def test_it_adds_and_removes_areas_from_the_keyboard(teacher_page, tmp_path):
    from selenium.webdriver.common.by import By

    show_preview(teacher_page, tmp_path)
    for name, value in (("x", "10"), ("y", "20"), ("w", "30"), ("h", "40")):
        teacher_page.find_element(By.CSS_SELECTOR, f"[data-photo-number={name}]").send_keys(value)
    teacher_page.find_element(By.CSS_SELECTOR, "[data-photo-add]").click()
    assert rectangles(teacher_page) == [[10, 20, 30, 40]]
    assert len(teacher_page.find_elements(By.CSS_SELECTOR, ".photo-stage .photo-box")) == 1
    teacher_page.find_element(By.CSS_SELECTOR, "[data-photo-remove]").click()
    assert rectangles(teacher_page) == []
    for name, value in (("x", "1"), ("y", "2"), ("w", "3"), ("h", "4\n")):
        teacher_page.find_element(By.CSS_SELECTOR, f"[data-photo-number={name}]").send_keys(value)
    assert rectangles(teacher_page) == [[1, 2, 3, 4]]


def test_it_downloads_the_blurred_photo(teacher_page, tmp_path):
    from selenium.webdriver.common.by import By

    show_preview(teacher_page, tmp_path)
    area = teacher_page.find_element(By.ID, "id_rectangles")
    area.send_keys("480,160,476,320")
    teacher_page.find_element(By.CSS_SELECTOR, "button[value=download]").click()
    target = tmp_path / "downloads" / "photo-cleaned.jpg"  # named in the page's English
    wait_for(target.exists)
    data = target.read_bytes()
    assert [secret for secret in testkit.SECRETS if secret in data] == []
    image = Image.open(BytesIO(data))
    assert image.size == (960, 640)
    assert max(ImageStat.Stat(image.crop((500, 180, 940, 460))).stddev) < 15


def test_it_explains_a_bad_area_in_place_and_keeps_the_file(teacher_page, tmp_path):
    from selenium.webdriver.common.by import By

    show_preview(teacher_page, tmp_path)
    teacher_page.find_element(By.ID, "id_rectangles").send_keys("2000,2000,10,10")
    teacher_page.find_element(By.CSS_SELECTOR, "button[value=download]").click()
    alert = wait_for(
        lambda: teacher_page.find_elements(By.CSS_SELECTOR, "#photo-errors [role=alert]")
    )
    assert "lies outside the photo" in alert[0].text
    assert (
        teacher_page.execute_script("return document.getElementById('id_photo').files.length") == 1
    )
    assert teacher_page.find_elements(By.CSS_SELECTOR, ".photo-stage img")


def test_a_session_ended_while_the_page_was_open_goes_to_the_login_page(
    teacher_page, live_server, tmp_path
):
    """The script sends the form with fetch, which followed the redirect to the login page
    and found neither a result nor errors in it: the button came back and nothing happened,
    again and again. Now the page goes to the login page, as the plain form does."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Session.objects.all().delete()  # the session ends (idle, logged out elsewhere)
    cache.clear()  # cached-database sessions keep a copy in the cache
    photo = tmp_path / "IMG_0043.JPG"
    photo.write_bytes(testkit.camera_jpeg(testkit.upright_scene(960, 640)))
    teacher_page.find_element(By.ID, "id_photo").send_keys(str(photo))
    Select(teacher_page.find_element(By.ID, "id_channel")).select_by_index(1)
    teacher_page.find_element(By.CSS_SELECTOR, "button[value=preview]").click()

    wait_for(lambda: "/accounts/login/" in teacher_page.current_url)
    assert "next=/foto/" in teacher_page.current_url.replace("%2F", "/")
    # what the login page says: the fetch that followed the redirect read it first, so the
    # page the teacher saw had lost it
    message = wait_for(lambda: teacher_page.find_elements(By.CSS_SELECTOR, ".messages"))[0]
    assert "what you sent was not saved" in message.text


def test_a_form_from_before_a_login_in_another_tab_shows_the_expired_form_page(
    teacher_page, tmp_path
):
    """A login in another tab gives the browser a new CSRF token: the page's own token is
    refused with the expired-form page, which the script found no result or errors in, so
    nothing happened at all. Now that page is shown, as the plain form shows it."""
    from django.utils.crypto import get_random_string
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    teacher_page.delete_cookie("csrftoken")
    teacher_page.add_cookie({"name": "csrftoken", "value": get_random_string(32), "path": "/"})
    photo = tmp_path / "IMG_0044.JPG"
    photo.write_bytes(testkit.camera_jpeg(testkit.upright_scene(960, 640)))
    teacher_page.find_element(By.ID, "id_photo").send_keys(str(photo))
    Select(teacher_page.find_element(By.ID, "id_channel")).select_by_index(1)
    teacher_page.find_element(By.CSS_SELECTOR, "button[value=preview]").click()

    wait_for(lambda: "Page expired" in teacher_page.title or None)
    text = teacher_page.find_element(By.TAG_NAME, "main").text
    assert "Nothing was saved" in text and "juf.a@example.org" in text


def test_a_pupil_moved_meanwhile_is_said_and_the_list_shown_again_keeping_the_file(
    pupil_a, group_a2, teacher_page, tmp_path
):
    """The 404 of a tick out of reach is the photo page with its message: the script shows
    the message and the pupil list as it is now (the moved pupil gone, nothing ticked),
    and the chosen file and channel stay. Before, the bare 404 page replaced the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    teacher_page.find_element(By.CSS_SELECTOR, f'input[name=pupils][value="{pupil_a.pk}"]').click()
    pupil_a.group = group_a2  # moved to another group while the page was open
    pupil_a.save(update_fields=["group"])
    photo = tmp_path / "IMG_0045.JPG"
    photo.write_bytes(testkit.camera_jpeg(testkit.upright_scene(960, 640)))
    teacher_page.find_element(By.ID, "id_photo").send_keys(str(photo))
    Select(teacher_page.find_element(By.ID, "id_channel")).select_by_index(1)
    teacher_page.find_element(By.CSS_SELECTOR, "button[value=preview]").click()

    alert = wait_for(
        lambda: teacher_page.find_elements(By.CSS_SELECTOR, "#photo-errors [role=alert]")
    )
    assert "Not every pupil you ticked is (still) one of your pupils" in alert[0].text
    assert teacher_page.current_url.endswith("/foto/")  # the page stayed
    assert not teacher_page.find_elements(By.CSS_SELECTOR, "input[name=pupils]")
    assert (
        teacher_page.execute_script("return document.getElementById('id_photo').files.length") == 1
    )
    channel = Select(teacher_page.find_element(By.ID, "id_channel"))
    assert channel.first_selected_option.get_attribute("value") != ""
    assert not teacher_page.find_elements(By.CSS_SELECTOR, ".photo-stage img")
