"""Browser journey: a teacher cleans a class photo before posting it."""

import io

import pytest
from PIL import Image
from selenium.webdriver.support.ui import WebDriverWait

from opo_portal.tests.e2e_data import build_demo_class, class_photo_jpeg
from opo_portal.tests.e2e_support import DESKTOP, log_in_with_password_and_totp

pytestmark = pytest.mark.e2e


def distinct_colours(image: Image.Image, box: tuple) -> int:
    x, y, w, h = box
    return len(set(image.crop((x + 8, y + 8, x + w - 8, y + h - 8)).getdata()))


def test_it_lets_a_teacher_blur_a_pupil_and_download_a_clean_photo(
    open_browser, teacher_a, school_a, group_a1, pupil_a, parent_a, verified_email, tmp_path
):
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    sem, emma, daan = demo.pupils["Sem"], demo.pupils["Emma"], demo.pupils["Daan"]
    browser = open_browser(DESKTOP, "teacher")
    log_in_with_password_and_totp(browser, verified_email(teacher_a))
    browser.wait_for_path("/start/leerkracht/")

    # Upload the photo, blur Daan (the third face) by numbers, download the clean copy.
    jpeg, faces = class_photo_jpeg()
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg)
    browser.follow("/foto/")
    browser.check_page("photo-upload")
    browser.find("input[name=photo]").send_keys(str(photo))
    for pupil in (sem, emma, daan):
        browser.click(f"input[name=pupils][value='{pupil.pk}']")
    browser.click("button[name=action][value=preview]")
    WebDriverWait(browser.driver, 15).until(lambda d: browser.find_all(".photo-stage img"))
    browser.check_page("photo-preview")

    x, y, w, h = faces[2]
    for name, value in zip("xywh", (x, y, w, h), strict=True):
        browser.find(f"input[data-photo-number={name}]").send_keys(str(value))
    browser.click("button[data-photo-add]")
    assert browser.find("textarea[name=rectangles]").get_attribute("value") == f"{x},{y},{w},{h}"
    assert len(browser.find_all(".photo-stage .photo-box")) == 1
    browser.check_page("photo-blur")

    browser.click("button[name=action][value=download]")
    cleaned_file = browser.wait_for_download()
    cleaned = Image.open(io.BytesIO(cleaned_file.read_bytes()))
    original = Image.open(io.BytesIO(jpeg))
    assert cleaned.format == "JPEG"
    assert cleaned.size == original.size
    assert not cleaned.getexif(), "the downloaded photo still carries EXIF data"
    assert "exif" not in cleaned.info and "xmp" not in cleaned.info
    assert distinct_colours(cleaned, faces[2]) < distinct_colours(original, faces[2]) / 10
    assert distinct_colours(cleaned, faces[0]) > distinct_colours(original, faces[0]) / 2
