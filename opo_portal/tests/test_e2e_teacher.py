"""Browser journey: a teacher checks consent before posting and cleans a class photo."""

import base64
import io
import re

import pytest
from PIL import Image
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import make_pupil
from consent.models import PublicationCheck
from consent.services import consent_withdraw
from opo_portal.tests.e2e_data import build_demo_class, class_photo_jpeg, give_demo_consents
from opo_portal.tests.e2e_support import (
    DESKTOP,
    WAIT,
    log_in_with_password_and_totp,
    login_cookie,
)

pytestmark = pytest.mark.e2e


def distinct_colours(image: Image.Image, box: tuple) -> int:
    x, y, w, h = box
    return len(set(image.crop((x + 8, y + 8, x + w - 8, y + h - 8)).getdata()))


def test_it_lets_a_teacher_check_three_pupils_and_blur_the_one_who_may_not_appear(
    open_browser, teacher_a, school_a, group_a1, pupil_a, parent_a, verified_email, tmp_path
):
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    sem, emma, daan = demo.pupils["Sem"], demo.pupils["Emma"], demo.pupils["Daan"]
    browser = open_browser(DESKTOP, "teacher")
    log_in_with_password_and_totp(browser, verified_email(teacher_a))
    browser.wait_for_path("/start/leerkracht/")

    # The class overview: every pupil's state per channel and media type.
    browser.follow("/toestemming/klassen/")
    browser.check_page("class-overview")
    # The everyday question first: who may appear on this channel in a photo?
    browser.follow(f"/toestemming/klassen/{group_a1.pk}/wie-mag/")
    Select(browser.find("select[name=purpose]")).select_by_value("sociale-media")
    Select(browser.find("select[name=media]")).select_by_value("photo")
    browser.submit("form.filters button[type=submit]")
    browser.check_page("who-may-appear")
    may = [li.text for li in browser.find_all(".appear__list--yes li")]
    may_not = [li.text for li in browser.find_all(".appear__list--no li")]
    assert may == ["Emma de Boer", "Mila Kuiper", "Sem Bakker"]
    assert any(t.startswith("Lucas Smit") and "ouders zijn het niet eens" in t for t in may_not)
    assert any(t.startswith("Daan Mulder") for t in may_not)
    browser.follow(f"/toestemming/klassen/{group_a1.pk}/")
    browser.check_page("group-consent")
    Select(browser.find("select[name=purpose]")).select_by_value("sociale-media")
    Select(browser.find("select[name=media]")).select_by_value("photo")
    browser.submit("form.filters button[type=submit]")
    browser.wait_for_path_matching(f"/toestemming/klassen/{group_a1.pk}/")
    browser.check_page("group-social-media-photos")
    states = {
        row.find_element("css selector", "th").text.split("\n")[0]: row.find_element(
            "css selector", "td"
        ).text
        for row in browser.find_all("table.overview tbody tr")
    }
    assert len(states) == 6
    assert states["Daan Mulder"].startswith("✗")
    assert states["Lucas Smit"].startswith("!")
    assert states["Julia van der Veen"].startswith("?")
    assert states["Sem Bakker"].startswith("✓")

    # A name search keeps the name out of the address (the browser's history on a shared
    # classroom computer).
    browser.follow("/toestemming/controle/")
    browser.find("#id_q").send_keys("Bakk")
    browser.submit("button[name=intent][value=search]")
    browser.wait_for_path_matching("/toestemming/controle/")
    assert "Bakk" not in browser.driver.current_url
    assert [li.text for li in browser.find_all("ul.pupil-picks li")] == [
        f"Sem Bakker ({sem.group.name})"
    ]

    # Check three pupils for a photo on the school's social media.
    browser.follow("/toestemming/controle/")
    browser.check_page("check-before-posting")
    Select(browser.find("select[name=purpose]")).select_by_value("sociale-media")
    browser.click("input[name=media_type][value=photo]")
    for pupil in (sem, emma):
        browser.click(f"input[name=pupils][value='{pupil.pk}']")
    # Another list (a name search, sent with Enter) keeps the ticks and the channel.
    browser.find("#id_q").send_keys("Daan")
    with browser.new_page():
        browser.find("#id_q").send_keys(Keys.ENTER)
    ticked = [box.get_attribute("value") for box in browser.find_all("input[name=pupils]:checked")]
    assert sorted(ticked) == sorted(str(p.pk) for p in (sem, emma))
    channel = Select(browser.find("select[name=purpose]")).first_selected_option
    assert channel.get_attribute("value") == "sociale-media"
    browser.click(f"input[name=pupils][value='{daan.pk}']")
    browser.find("input[name=note]").send_keys("Foto van het schoolreisje voor Instagram")
    browser.submit("main form button[type=submit]:not([name=intent])")
    browser.wait_for_path_matching(r"/toestemming/controle/\d+/")
    check = PublicationCheck.objects.get()
    browser.check_page("verdict")
    rows = {
        row.find_element("css selector", "th").text: row.find_element("css selector", "td").text
        for row in browser.find_all("table tbody tr")
    }
    assert rows.keys() == {"Sem Bakker", "Emma de Boer", "Daan Mulder"}
    assert rows["Daan Mulder"].startswith("✗")
    assert rows["Sem Bakker"].startswith("✓") and rows["Emma de Boer"].startswith("✓")
    assert browser.find(".verdict").text.startswith("✗")
    assert not check.allowed

    # Upload the photo, blur Daan (the third face) by numbers, download the clean copy.
    jpeg, faces = class_photo_jpeg()
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg)
    browser.follow("/foto/")
    browser.check_page("photo-upload")
    browser.find("input[name=photo]").send_keys(str(photo))
    Select(browser.find("select[name=channel]")).select_by_visible_text(
        "Sociale media van de school"
    )
    for pupil in (sem, emma, daan):
        browser.click(f"input[name=pupils][value='{pupil.pk}']")
    browser.click("button[name=action][value=preview]")
    WebDriverWait(browser.driver, WAIT).until(lambda d: browser.find_all(".photo-stage img"))
    browser.check_page("photo-preview")
    verdicts = [li.text for li in browser.find_all(".photo-verdict-list li")]
    assert len(verdicts) == 3
    assert [v for v in verdicts if "✗" in v or "✖" in v] == [
        v for v in verdicts if v.startswith("Daan Mulder")
    ]
    assert "photo-verdict--no" in browser.find(".photo-verdict").get_attribute("class")

    x, y, w, h = faces[2]
    for name, value in zip("xywh", (x, y, w, h), strict=True):
        browser.find(f"input[data-photo-number={name}]").send_keys(str(value))
    browser.click("button[data-photo-add]")
    assert browser.find("textarea[name=rectangles]").get_attribute("value") == f"{x},{y},{w},{h}"
    assert len(browser.find_all(".photo-stage .photo-box")) == 1
    browser.check_page("photo-blur")

    # Daan may not appear: the photo page records him as made unrecognisable (issue 15).
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

    # The photo page stored which pupil was blurred: a new check replaces the first one.
    photo_check = PublicationCheck.objects.exclude(pk=check.pk).get(replaces__isnull=True)
    adjusted = PublicationCheck.objects.get(replaces=photo_check)
    assert adjusted.allowed
    assert dict(adjusted.checked_pupils.values_list("pupil__first_name", "appearance")) == {
        "Sem": "appears",
        "Emma": "appears",
        "Daan": "unrecognisable",
    }

    # A week later Emma's parent withdraws: the published photo must come down.
    consent_withdraw(pupil=emma, guardian=demo.parents["Emma"])
    browser.open("/start/leerkracht/")
    browser.check_page("home-with-takedown")
    menu_item = browser.find("nav a[href='/toestemming/verwijderen/']")
    # Two: the photo, and the first check of the three (the teacher never adjusted it,
    # so Emma appears in it as well; a takedown is the safe side).
    assert menu_item.text.startswith("Verwijderen 2")
    browser.follow("/toestemming/verwijderen/")
    browser.check_page("takedowns")
    assert "Emma de Boer" in browser.text()
    assert "Daan" not in browser.text()


def test_it_prints_who_may_appear_for_a_class_of_30_on_one_a4_page(
    open_browser, teacher_a, school_a, group_a1, pupil_a, parent_a
):
    demo = build_demo_class(school_a, group_a1, pupil_a, parent_a)
    give_demo_consents(demo)
    for n in range(30 - len(demo.pupils)):
        make_pupil(school_a, group_a1, f"77{n:02d}", f"Leerling{n}", "Achternaamlang")
    browser = open_browser(DESKTOP, "teacher-print")
    browser.driver.get(browser.base_url + "/")
    browser.driver.add_cookie(login_cookie(teacher_a))
    browser.open(f"/toestemming/klassen/{group_a1.pk}/wie-mag/?purpose=sociale-media&media=photo")
    browser.check_page("who-may-appear-30")
    assert len(browser.find_all(".appear__list li")) == 30
    pdf = browser.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    data = base64.b64decode(pdf["data"])
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages == 1, f"printed on {pages} pages"
