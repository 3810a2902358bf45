"""Browser journey on a phone: faces found in a group photo, two allowed pupils shown,
every other face blurred in the preview and in the download (issue 15)."""

import io

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

from consent.models import CheckedPupil, PublicationCheck
from consent.photo import cleaning, faceset, page
from opo_portal.tests.e2e_data import build_demo_class, give_demo_consents
from opo_portal.tests.e2e_support import PHONE, WAIT, log_in_with_password_and_totp

pytestmark = pytest.mark.e2e


def detail(image: Image.Image, box) -> float:
    """Fine detail in the middle of a box (a pixelated face has almost none)."""
    inset = box.w // 5
    crop = image.convert("L").crop(
        (box.x + inset, box.y + inset, box.x + box.w - inset, box.y + box.h - inset)
    )
    return ImageStat.Stat(
        ImageChops.difference(crop, crop.filter(ImageFilter.GaussianBlur(2)))
    ).mean[0]


def test_it_blurs_every_face_but_the_two_allowed_pupils_chosen_on_a_phone(
    open_browser, teacher_a, school_a, group_a1, pupil_a, parent_a, verified_email, tmp_path
):
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    sem, emma, daan = demo.pupils["Sem"], demo.pupils["Emma"], demo.pupils["Daan"]
    photo = faceset.build_photo(0, width=1040, height=780, sizes=(96, 128), distractors=0)
    jpeg = faceset.jpeg_bytes(photo.image)
    found = page.find_faces(jpeg, cleaning.DEFAULT_LIMITS)  # as the page numbers them
    real = [
        number
        for number, box in enumerate(found.boxes, start=1)
        if any(faceset.matches(box, true) for true in photo.faces)
    ]
    path = tmp_path / "IMG_2042.jpg"
    path.write_bytes(jpeg)

    browser = open_browser(PHONE, "photo-faces")
    log_in_with_password_and_totp(browser, verified_email(teacher_a))
    browser.wait_for_path("/start/leerkracht/")
    browser.open("/foto/")
    browser.find("input[name=photo]").send_keys(str(path))
    Select(browser.find("select[name=channel]")).select_by_visible_text(
        "Sociale media van de school"
    )
    for pupil in (sem, emma, daan):
        browser.click(f"input[name=pupils][value='{pupil.pk}']")
    browser.click("button[name=action][value=preview]")
    WebDriverWait(browser.driver, WAIT * 3).until(lambda d: browser.find_all(".photo-face"))
    assert len(browser.find_all(".photo-face")) == len(found.boxes)
    assert len(browser.find_all(".photo-faces a")) == len(found.boxes)
    # Daan may not appear on social media: he cannot be chosen for any face.
    options = [o.get_attribute("value") for o in browser.find_all("select[name=face_1] option")]
    assert str(daan.pk) not in options and str(sem.pk) in options
    browser.check_page("faces-found")

    # Tap a face's number on the photo: its choice comes into view; choose Sem, then Emma.
    shown = {real[0]: sem, real[1]: emma}
    for number, pupil in shown.items():
        browser.find(f".photo-faces a[href='#face-{number}']").click()
        old = browser.find(".photo-result img").get_attribute("src")
        Select(browser.find(f"select[name=face_{number}]")).select_by_value(str(pupil.pk))
        # The script swaps the result in while this polls: a stale element means "again".
        WebDriverWait(
            browser.driver, WAIT * 3, ignored_exceptions=(StaleElementReferenceException,)
        ).until(lambda d, old=old: browser.find(".photo-result img").get_attribute("src") != old)
        # the focus stays in the face's list (swapped in under it): arrow keys go on
        # choosing; it jumped to the result's heading, away from the list being used
        WebDriverWait(browser.driver, WAIT).until(
            lambda d, n=number: d.switch_to.active_element.get_attribute("name") == f"face_{n}"
        )
    assert Select(browser.find(f"select[name=face_{real[0]}]")).first_selected_option.text == (
        sem.full_name
    )
    browser.check_page("faces-chosen")

    browser.click("button[name=action][value=download]")
    cleaned = Image.open(io.BytesIO(browser.wait_for_download().read_bytes()))
    original = Image.open(io.BytesIO(jpeg))
    assert cleaned.size == original.size
    assert not cleaned.getexif() and "exif" not in cleaned.info
    for number in real:
        box = found.boxes[number - 1]
        if number in shown:
            assert detail(cleaned, box) > 0.7 * detail(original, box), number
        else:
            assert detail(cleaned, box) < 0.35 * detail(original, box), number

    adjusted = PublicationCheck.objects.exclude(replaces=None).get()
    rows = dict(
        CheckedPupil.objects.filter(publication_check=adjusted).values_list("pupil", "appearance")
    )
    assert rows == {sem.pk: "appears", emma.pk: "appears", daan.pk: "unrecognisable"}
    assert adjusted.allowed
