"""Demo-like data for the browser journeys: one class with parents who chose differently.

Group 5 of De Vlindertuin (the cast's group_a1, taught by teacher_a) gets five pupils
besides Sem Bakker, each with a parent holding gezag, and consent decisions made through
the consent app's own service, so every page shows the states people will meet:

  Sem, Emma, Mila   yes to photos on the website and on the school's social media
  Daan              yes for the website, no for the school's social media (photo)
  Julia             has not answered anything
  Lucas             parents disagree about photos on the school's social media
"""

import datetime
import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from accounts.models import User
from schools.models import Group, Guardianship, Pupil, School

WEBSITE = "website"  # consent purpose codes (consent/migrations/0002_seed_purposes.py)
SOCIAL = "sociale-media"
PHOTO = "photo"

# (first name, tussenvoegsel, last name, leerlingnummer)
CLASSMATES = [
    ("Emma", "de", "Boer", "1011"),
    ("Daan", "", "Mulder", "1012"),
    ("Julia", "van der", "Veen", "1013"),
    ("Lucas", "", "Smit", "1014"),
    ("Mila", "", "Kuiper", "1015"),
]


@dataclass
class DemoClass:
    school: School
    group: Group
    pupils: dict[str, Pupil]  # by first name
    parents: dict[str, User]  # first gezag-holder, by the child's first name


def _parent(email: str, name: str, pupil: Pupil) -> User:
    user = User.objects.create_user(email=email, password="correct horse 42", full_name=name)
    Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=True)
    return user


def _decide(pupil: Pupil, parent: User, choices: dict[tuple[str, str], bool]) -> None:
    from consent.models import Purpose
    from consent.services import Answer, consent_decide

    purposes = dict(Purpose.objects.values_list("code", "pk"))
    answers = [Answer(purposes[code], media, granted) for (code, media), granted in choices.items()]
    consent_decide(pupil=pupil, guardian=parent, answers=answers)


def build_demo_class(school: School, group: Group, sem: Pupil, sem_parent: User) -> DemoClass:
    """The class, without any consent decisions yet."""
    pupils = {"Sem": sem}
    parents = {"Sem": sem_parent}
    for first, prefix, last, number in CLASSMATES:
        pupil = Pupil.objects.create(
            school=school,
            group=group,
            leerlingnummer=number,
            first_name=first,
            name_prefix=prefix,
            last_name=last,
            birth_date=datetime.date(2018, 3, int(number[-2:])),
        )
        pupils[first] = pupil
        parents[first] = _parent(f"ouder.{first.lower()}@example.org", f"Ouder van {first}", pupil)
    return DemoClass(school=school, group=group, pupils=pupils, parents=parents)


def give_demo_consents(demo: DemoClass) -> None:
    """The parents' choices listed at the top of this module, through the consent service."""
    pupils, parents = demo.pupils, demo.parents
    both_yes = {(WEBSITE, PHOTO): True, (SOCIAL, PHOTO): True}
    for first in ("Sem", "Emma", "Mila"):
        _decide(pupils[first], parents[first], both_yes)
    _decide(pupils["Daan"], parents["Daan"], {(WEBSITE, PHOTO): True, (SOCIAL, PHOTO): False})
    second = _parent("tweede.ouder.lucas@example.org", "Tweede ouder van Lucas", pupils["Lucas"])
    _decide(pupils["Lucas"], parents["Lucas"], both_yes)
    _decide(pupils["Lucas"], second, {(SOCIAL, PHOTO): False})


def class_photo_jpeg(size: tuple[int, int] = (1200, 800)) -> tuple[bytes, list[tuple]]:
    """A JPEG as a phone makes it: three 'faces' full of fine detail, and EXIF with the
    camera, the time and a GPS position. Returns the bytes and each face's box (x, y, w, h).
    """
    width, height = size
    image = Image.new("RGB", size, (120, 170, 210))
    draw = ImageDraw.Draw(image)
    faces = []
    for index in range(3):
        box = (100 + index * 360, 200, 300, 360)
        x, y, w, h = box
        # A fine checkerboard: detail that pixelation must wipe out.
        for dy in range(0, h, 4):
            for dx in range(0, w, 4):
                shade = 40 + ((dx // 4 + dy // 4) % 2) * 180
                draw.rectangle([x + dx, y + dy, x + dx + 3, y + dy + 3], fill=(shade, 90, 60))
        faces.append(box)
    exif = Image.Exif()
    exif[0x010F] = "Schoolcamera"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0132] = "2026:09:14 10:30:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 55.0, 12.0)
    gps[3] = "E"
    gps[4] = (6.0, 47.0, 30.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue(), faces


# Posts a neighbourhood news feed might carry about De Vlindertuin (all made up).
VLINDERTUIN_POSTS = [
    (
        "musical",
        "Prachtige musical van groep 8 bij De Vlindertuin. Wat een mooie avond, de kinderen "
        "zongen geweldig en alles was super georganiseerd. Dank je wel!",
    ),
    (
        "overblijven",
        "Ouders ontevreden over overblijven op De Vlindertuin. Meerdere ouders zijn niet "
        "blij met het overblijven: te druk, te weinig toezicht en de kinderen komen "
        "gestrest thuis.",
    ),
    (
        "sluiting",
        "Gaat De Vlindertuin dicht? In het dorp gaat het verhaal rond dat De Vlindertuin "
        "volgend schooljaar sluit. De school heeft dat nog niet bevestigd.",
    ),
]


def build_monitoring(school: School) -> None:
    """Run made-up posts through the real pipeline (store, classify, flag, open cases)."""
    from monitoring import services
    from monitoring.models import Source
    from monitoring.sources.base import FetchedPost, FetchResult

    source = Source.objects.create(
        kind=Source.Kind.RSS,
        name="Buurtnieuws Borger-Odoorn (demo)",
        url="https://buurtnieuws.demo.example/feed.rss",
        active=False,
    )
    posts = [
        FetchedPost(
            external_id=f"https://buurtnieuws.demo.example/2026/{slug}",
            text=text,
            url=f"https://buurtnieuws.demo.example/2026/{slug}",
            author_handle="redactie",
        )
        for slug, text in VLINDERTUIN_POSTS
    ]
    services.source_ingest(
        source=source, result=FetchResult(posts=posts), classifier=services.build_classifier()
    )
