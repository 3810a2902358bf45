"""The word lists. Lower case, no accents (text is folded the same way).

Weights are evidence in [0, 1]; a category's score combines its matches as a noisy-or
(1 - product of (1 - weight)) and the category is flagged at THRESHOLD. Patterns use the
small language of `patterns.py` (`a|b` alternatives, `pre*`, `*suf`, `~` a short gap).
Change a list -> bump RULE_VERSION in `rules.py`.
"""

THRESHOLD = 0.45

# --- Shared word classes ----------------------------------------------------------------

NEGATORS = frozenset(
    {"niet", "geen", "nooit", "allesbehalve", "nergens", "not", "no", "never", "isn't", "nt"}
)
# "allesbehalve goed" says more than "niet goed": weighed as an intensified negation.
STRONG_NEGATORS = frozenset({"allesbehalve"})
INTENSIFIERS = frozenset(
    {
        "heel", "super", "echt", "zo", "erg", "enorm", "ontzettend", "hartstikke", "mega",
        "zeer", "zoveel", "helemaal", "extreem", "really", "so", "very", "totally",
        "absolutely", "truly", "ontiegelijk", "bijzonder", "reuze", "keigoed", "vet",
    }
)  # fmt: skip
# A word that makes an ambiguous school name (a tree, a garden) a school in this post.
SCHOOL_CONTEXT_WORDS = frozenset(
    {
        "school", "scholen", "schoele", "schoel", "basisschool", "obs", "juf", "juffen",
        "juffrouw", "meester", "meesters", "groep", "groepen", "klas", "klassen", "leerkracht",
        "leerkrachten", "leraar", "leraren", "lerares", "leerling", "leerlingen", "ouders",
        "ouderraad", "ouderavond", "ouderbijdrage", "directeur", "directrice", "directie",
        "schoolplein", "plein", "gym", "gymles", "pauze", "overblijf", "overblijven",
        "schoolreis", "schoolreisje", "sportdag", "rapport", "toets", "toetsen", "cito",
        "kleuters", "teacher", "teachers", "pupils", "mr", "medezeggenschapsraad", "ib'er",
        "intern", "schooltijden", "schoolfoto", "onderwijs",
    }
)  # fmt: skip
# Compounds count too: teringschool, tyfusjuffen, schoolplein, ouderavond.
SCHOOL_CONTEXT_PARTS = ("school", "juf", "juffen", "meester", "leerkracht", "ouderr", "klasse")
STAFF_TITLES = frozenset(
    {
        "juf", "juffrouw", "meester", "meneer", "mevrouw", "mw", "dhr", "leraar", "lerares",
        "leerkracht", "directeur", "directrice", "conciërge", "concierge", "teacher", "mr",
        "mrs", "ms", "miss", "ib'er", "schoolleider", "invaller", "invalkracht",
    }
)  # fmt: skip
# Where a register first name counts: the pupil's group or teacher is near.
PUPIL_CONTEXT_WORDS = frozenset(
    {
        "groep", "klas", "juf", "meester", "leerkracht", "leraar", "lerares", "klasgenoot",
        "klasgenootje", "klasgenoten", "groepje", "kleuterklas", "schoolfoto", "klassenfoto",
        "groepsfoto", "class", "teacher", "grade",
    }
)  # fmt: skip
ARTICLES = frozenset({"de", "het", "'t", "een", "die", "deze", "dat", "the", "a"})
POSSESSIVES = frozenset(
    {"mijn", "m'n", "onze", "ons", "je", "jouw", "jullie", "haar", "zijn", "hun", "my", "our"}
)
FIRST_PERSON = frozenset({"ik", "mijn", "m'n", "wij", "we", "ons", "onze", "my", "our", "i"})

# --- Schools ----------------------------------------------------------------------------

# Leading words that say "this is a school" — stripped to find the name's core.
SCHOOL_TYPE_WORDS = frozenset(
    {"obs", "cbs", "pcbs", "rkbs", "ikc", "basisschool", "openbare", "school", "kindcentrum"}
)
NAME_ARTICLES = frozenset({"de", "het", "'t", "t"})
# In a post that shouts, "BIJ DE VLINDERTUIN": a preposition and an article before a bare
# name say "an institution" where capitals cannot ("in" is left out: in the garden).
CAPS_NAME_PREPOSITIONS = frozenset({"bij", "op", "naar", "over", "tegen", "met", "aan", "van"})
# A line break right after these is a wrapped line, not a sentence end ("geen reactie van
# de\nEsdoorn"): "de" and "obs" never end a sentence; "het" does ("ik weet het"), so it
# counts only after a preposition ("op het\nZwanenhof").
LINE_WRAP_WORDS = frozenset({"de", "obs", "cbs", "pcbs", "rkbs"})
LINE_WRAP_AFTER_PREPOSITION = frozenset({"het", "'t", "t"})
# Villages of the foundation's municipality and towns around it (normalised). A school
# named after one ("OBS Exloo") is found by that name, never by the village alone; the
# towns in the schools' aliases ("Vlindertuin Exloo") count as places too.
PLACES = frozenset(
    {
        "borger", "odoorn", "exloo", "valthe", "valthermond", "buinen", "nieuw buinen",
        "buinerveen", "drouwen", "drouwenermond", "drouwenerveen", "bronneger",
        "bronnegerveen", "ees", "eesergroen", "eeserveen", "exloerveen", "exloermond",
        "1e exloermond", "2e exloermond", "eerste exloermond", "tweede exloermond",
        "klijndijk", "odoornerveen", "ellertshaar", "westdorp", "zandberg", "nieuwediep",
    }
)  # fmt: skip
# Towns outside the municipality: "OBS De Esdoorn in Emmen", vlindertuinemmen.nl is a
# namesake there (in the municipality every public school is the foundation's).
PLACES_ELSEWHERE = frozenset(
    {
        "emmen", "stadskanaal", "gieten", "gasselte", "assen", "groningen", "veendam",
        "zuidlaren", "coevorden", "hoogeveen", "meppel", "beilen", "annen", "gieterveen",
        "musselkanaal", "ter apel", "klazienaveen", "nieuw amsterdam", "zwolle",
        "amsterdam", "rotterdam", "utrecht", "den haag", "eindhoven", "leeuwarden",
    }
)  # fmt: skip
# "wij wonen aan de Zwanenhof": a street of the school's name, not the school
ADDRESS_WORDS = frozenset(
    {
        "wonen", "woon", "woont", "woonde", "woonden", "gewoond", "verhuisd", "verhuizen",
        "verhuist", "adres", "straat", "buurt", "buren", "huis", "huisnummer", "postcode",
        "koop", "huur", "verkocht", "woning", "makelaar",
    }
)  # fmt: skip
# "de school in Exloo": the foundation's only school in that town. A definite article (or
# a word that says "public school") is needed: "een school in Exloo" is any school there.
TOWN_SCHOOL_ARTICLES = frozenset({"de", "het", "die", "onze", "ons"})
TOWN_SCHOOL_WORDS = frozenset({"school", "basisschool", "dorpsschool", "schooltje"})
TOWN_SCHOOL_PUBLIC = frozenset({"obs", "openbare"})
TOWN_PREPOSITIONS = frozenset({"in", "te", "uit", "van"})
# A bare name as a sentence's first word is the school when what follows is what only an
# organisation does: "Zwanenhof reageert nooit", "Esdoorn communiceert slecht" (a maple
# tree or a butterfly garden does none of these; "laat" is left out: "laat zijn blad vallen").
ORGANISATION_VERBS = frozenset(
    {
        "reageert", "reageerde", "reageren", "antwoordt", "antwoordde", "communiceert",
        "communiceerde", "informeert", "informeerde", "mailt", "mailde", "belt", "belde",
        "regelt", "regelde", "organiseert", "negeert", "negeerde", "zegt", "zei", "vertelt",
        "vertelde", "meldt", "meldde", "luistert", "stuurt", "stuurde", "beantwoordt",
    }
)  # fmt: skip
# ... or when the words just after it speak of how an organisation is run or answers:
# "Zwanenhof is slecht geregeld", "Vlindertuin: de communicatie kan beter" ("reactie"
# is left out: "Esdoorn kreeg geen reactie van de snoeier").
ORGANISATION_WORDS = frozenset(
    {"communicatie", "geregeld", "georganiseerd", "organisatie", "mails", "mailtjes"}
)
# ... or when it is called a mess ("Zwanehof is een puinhoop") in a post about the
# writer's own child ("mijn dochter komt huilend thuis"): a mess alone can be a garden
# after a storm, a child alone a day out among the butterflies.
MESS_WORDS = frozenset(
    {
        "puinhoop", "chaos", "chaotisch", "zooitje", "janboel", "rommeltje", "bende",
        "ongeorganiseerd",
    }
)  # fmt: skip
OWN_CHILD_WORDS = frozenset(
    {
        "dochter", "dochters", "dochtertje", "zoon", "zoons", "zonen", "zoontje", "kind",
        "kinderen", "kindje", "kids", "meisje", "jongen", "daughter", "son", "kid", "children",
    }
)  # fmt: skip
# A sentence about tending a plant makes a first-word name the plant, whatever it does or
# does not do: "esdoorn reageert niet op snoeien", "VLINDERTUIN REAGEERT NIET OP DE PLANTEN".
PLANT_CARE_WORDS = frozenset(
    {
        "snoeien", "snoei", "snoeit", "gesnoeid", "snoeibeurt", "water", "bemesten", "mest",
        "kunstmest", "blad", "bladeren", "takken", "wortels", "planten", "plantjes", "bloemen",
        "bloei", "knoppen", "potgrond", "droogte", "hovenier",
    }
)  # fmt: skip
# A sentence about nature makes a bare name the garden, tree or pond it also means, unless
# written as a proper noun: "vlindertuin en esdoorn in het park", "naar de vlindertuin, de
# rupsen waren het mooist", "planten esdoorn en linde" ("De Vlindertuin" stays the school).
NATURE_WORDS = frozenset(
    {
        "park", "bos", "bossen", "natuur", "natuurgebied", "plantsoen", "heide", "vijver",
        "tuin", "achtertuin", "voortuin", "moestuin", "dierentuin", "arboretum", "kwekerij",
        "tuincentrum", "vlinder", "vlinders", "rups", "rupsen", "bijen", "vogels", "zwanen",
        "eenden", "boom", "bomen", "linde", "eik", "eiken", "beuk", "berk", "wilg",
        "kastanje", "struik", "struiken", "heg", "vlier", "gras", "bloesem", "plant",
        "geplant", "planten",
    }
)  # fmt: skip
# ... except where the name is sent messages: a plant gets no mails, so the plants are
# what the mails were about ("Esdoorn reageert niet op mails over de moestuin-planten").
MESSAGE_WORDS = frozenset(
    {
        "mail", "mails", "mailtje", "mailtjes", "email", "emails", "bericht", "berichten",
        "brief", "brieven", "appje", "appjes", "telefoontje", "telefoontjes", "vragen",
    }
)  # fmt: skip
# Words that only fill the place between a name and what it does: "Esdoorn beantwoordt al
# drie weken geen mails", "zwanenhof weer eens niks laten weten".
FILLER_WORDS = frozenset(
    {
        "al", "nog", "steeds", "weer", "alweer", "gewoon", "echt", "eens", "ook", "toch",
        "nu", "dus", "sinds", "twee", "drie", "vier", "vijf", "dagen", "weken", "maanden",
        "keer",
    }
)  # fmt: skip
# "niks laten weten": to inform is what an organisation does ("laat" alone is not: "laat
# zijn blad vallen").
INFORM_VERBS_BEFORE_WETEN = frozenset({"laat", "laten", "liet", "lieten"})
# A verdict right after a bare name ("vlindertuin top zwanenhof slecht", "esdoorn doet het
# prima"): two of the foundation's names judged side by side are two schools compared. How
# things look ("prachtig", "mooi", "kaal") is left out: gardens and trees are judged so.
VERDICT_WORDS = frozenset(
    {
        "top", "toppie", "super", "prima", "goed", "geweldig", "fantastisch", "perfect",
        "uitstekend", "klasse", "slecht", "slechter", "slechtst", "waardeloos", "drama",
        "ramp", "rampzalig", "matig", "bagger", "belabberd", "beroerd", "schandalig",
        "dramatisch", "aanrader", "afrader", "good", "great", "bad", "terrible", "awful",
        "slechtste",
    }
)  # fmt: skip
# A bare name first in its sentence and judged ("Zwanehof is slecht", "vlindertuin top") is
# the school in a post about choosing or leaving it, or about being done with it: a garden
# is visited, not chosen for a child ("zo blij dat we voor onze jongste gekozen hebben",
# "ik ben er klaar mee", "kids maar thuis gehouden").
SCHOOL_CHOICE_WORDS = frozenset(
    {
        "gekozen", "kiezen", "keuze", "ingeschreven", "inschrijven", "aangemeld",
        "aanmelden", "uitgeschreven", "weggehaald", "overgestapt", "overstappen",
        "thuisgehouden",
    }
)  # fmt: skip
SCHOOL_CHOICE_PHRASES = (("klaar", "mee"), ("thuis", "gehouden"), ("thuis", "houden"))
# A lower-case bare name after "in de"/"naar de" where a class plays or goes is the garden
# visited ("groep 4 heeft in de vlindertuin gespeeld"); the school is gone to, not played in.
VISIT_WORDS = frozenset(
    {
        "gespeeld", "spelen", "speelden", "geweest", "gewandeld", "wandelen", "gefietst",
        "uitje", "uitstapje", "excursie", "bezocht", "bezoeken", "gepicknickt", "picknick",
    }
)  # fmt: skip
VISIT_PREPOSITIONS = frozenset({"in", "naar"})
# The bare name compounded with a school person: "vlindertuinjuf", "zwanenhofouders"
NAME_COMPOUND_HEADS = (
    "juf", "juffen", "meester", "meesters", "directeur", "directrice", "ouders",
    "leerkracht", "leerkrachten", "kinderen", "leerlingen", "team",
)  # fmt: skip
# Diminutives of a name ("de Esdoorntjes", the pupils; "ons Zwanenhofje"): read as the name.
NAME_DIMINUTIVES = ("je", "jes", "tje", "tjes")
# Spelling variants a reader still recognises: (written, also read as).
SPELLING_VARIANTS = (
    ("oo", "o"), ("ee", "e"), ("aa", "a"), ("uu", "u"), ("ui", "uu"), ("ui", "uy"),
    ("ij", "y"), ("ij", "ie"), ("ei", "ij"), ("en", "e"),
)  # fmt: skip

# --- negative_experience ----------------------------------------------------------------

NEGATIVE = [
    # communication: nobody tells, answers or acts
    ("hoor|horen|hoorde|hoorden ~ niks|niets", 0.6),
    ("niks|niets ~ gehoord|vernomen|vertelt|verteld|gemeld|ontvangen|gekregen", 0.6),
    # "niks laten weten", "laat ons niets weten" ("laat het ons morgen weten" is no complaint)
    ("niks|niets laten|laat|liet|lieten weten, laat|laten|liet|lieten ~ niks|niets weten", 0.5),
    # "beantwoordt al drie weken geen mails" ("beantwoordt alle mails" is no complaint)
    (
        "beantwoordt|beantwoorden|beantwoordde|beantwoordden ~ geen|nooit"
        " mail|mails|mailtjes|berichten|appjes",
        0.5,
    ),
    ("niemand", 0.3),
    ("moet|moeten|moest|moesten ~ van|via ~ horen, via ~ moet|moeten|moest horen", 0.5),
    ("via facebook|whatsapp|instagram|twitter|via, via de krant|groepsapp", 0.3),
    ("van|via andere ouders|moeders|vaders", 0.35),
    ("van een andere moeder|vader|ouder", 0.45),
    # told at the last moment: "we hoorden het pas vanochtend", "horen het om 8 uur 's ochtends"
    ("horen|hoorden|hoor|hoort|hoorde|wisten het|dat|dit pas", 0.5),
    (
        "horen|hoorden|hoor|hoort|hoorde het|dat|dit om <num> uur 's ochtends|morgens"
        ", horen|hoorden|hoor|hoort|hoorde het|dat|dit vanochtend|vanmorgen",
        0.4,
    ),
    ("niet eens", 0.4),
    ("reageert|reageren|reageerde|antwoordt niet", 0.5),
    # one filler word between: "reageert gewoon niet", "reageert maar niet"
    (
        "reageert|reageren|reageerde|antwoordt gewoon|echt|nog|weer|alweer|ook|helemaal|totaal"
        "|maar|dus niet",
        0.5,
    ),
    ("niet|nooit gereageerd|beantwoord|teruggebeld|gebeld|geinformeerd|ingelicht", 0.5),
    ("reageert|reageren|reageerde|reageerden|antwoordt|belt nooit", 0.5),
    ("geen van beide|beiden|allebei|tweeen ~ reageert|reageerde|antwoordt|belt|belde|zegt", 0.55),
    (
        "school|juf|meester|leerkracht|leerkrachten|leraar|directeur|directie|ze|zij|hij"
        " ~ zegt|zei|zeggen|zeiden ~ niks|niets, zegt|zei|zeggen|zeiden ~ school|juf|meester"
        "|leerkracht|leraar|directeur|directie|ze|zij|hij ~ niks|niets",
        0.5,
    ),
    # (the school's own name as who says nothing: SCHOOL_SILENCE below)
    ("geen reactie|antwoord|telefoontje|briefje|bericht|mail|uitleg|excuses|terugkoppeling", 0.5),
    ("nul reactie|respons|antwoord|communicatie", 0.5),
    ("nooit antwoord|reactie|bericht|terugkoppeling|uitleg", 0.5),
    ("nooit een antwoord|reactie|bericht|terugkoppeling", 0.5),
    ("wachten|wacht|wachtten op antwoord|reactie|een|uitleg|bericht", 0.45),
    (
        "niemand ~ vertelt|vertelde|reageert|belt|ruimt|doet|luistert|informeert|zegt|legt|helpt"
        "|grijpt|pakt|zorgt|neemt|let|weet|weten|treedt|belde|reageerde|meldde|liet",
        0.55,
    ),
    ("niemand die", 0.4),
    ("er gebeurt|gebeurde niks|niets", 0.6),
    ("doet|doen|deed|deden ~ niks|niets", 0.55),
    ("nog steeds", 0.35),
    # still without what the school owes: "nog steeds geen rapport gehad"
    (
        "nog steeds|altijd geen rapport|rapporten|antwoord|reactie|uitnodiging|bericht|uitslag"
        "|rooster|terugkoppeling|vervanging|invaller|gym",
        0.5,
    ),
    ("al <num> weken|maanden|dagen|keer|jaar|x", 0.35),
    ("al weken|maanden|jaren|sinds", 0.3),
    ("al ~ gebeld|gemaild|gevraagd|aangegeven|gemeld", 0.35),
    ("communicatie|organisatie|informatie|begeleiding|dat|dit|het|alles kan|kon ~ beter", 0.45),
    ("slechte|matige communicatie|organisatie|begeleiding", 0.6),
    ("communicatie ~ slecht|rampzalig|nul, communicatie ~ ver te zoeken", 0.6),
    ("derde|vierde|vijfde|zesde|zoveelste keer|week|dag|maand|les", 0.45),
    ("op rij|achter elkaar", 0.25),
    ("is het normaal dat, is dit normaal", 0.45),
    ("snap|begrijp|snappen|begrijpen niet waarom, moeilijk doen|doet|deed", 0.45),
    ("te laat", 0.3),
    ("van slag|overstuur|in tranen", 0.4),
    ("steeds|telkens|weer|alweer een andere|nieuwe invaller|juf|meester|leerkracht", 0.45),
    ("niet meer waar ~ aan toe", 0.45),
    ("luistert|luisteren|luisterde niet, niet geluisterd", 0.45),
    ("twee|drie|vier|vijf|<num> keer ~ aangevraagd|gevraagd|gebeld|gemaild|gemeld", 0.4),
    ("andere|wisselende invaller|invallers", 0.35),
    ("weer eens", 0.3),
    ("niet serieus genomen|neemt|nemen", 0.6),
    ("niet meer naar school", 0.5),
    ("nooit gezien|gehoord|meer", 0.3),
    ("nooit|niks|niets ~ van gehoord|vernomen", 0.5),
    ("voelt zich ~ onveilig, voelt zich ~ niet welkom|gezien|gehoord", 0.6),
    ("wanneer wordt|gaat|komt ~ gemaakt|opgelost|gerepareerd|opgeruimd|gedaan", 0.5),
    # bullying and safety
    ("pest|pesten|pestte|pestten|gepest|pesterij*|pestkop*|pestgedrag", 0.6),
    (
        "juf|juffen|meester|leerkracht|leerkrachten|leraar|lerares|directeur|invaller|docent"
        " ~ schreeuwt|schreeuwde|schreeuwen|schreeuwden|tiert|krijst|brult",
        0.5,
    ),
    ("schreeuwt|schreeuwde|schreeuwen|schreeuwden tegen|naar", 0.5),
    ("buitengesloten|uitgescholden|geslagen|geschopt|gebeten|geduwd|bespuugd|gespuugd", 0.5),
    ("uitgelachen|vernederd|gekleineerd|genegeerd|gestraft", 0.5),
    ("onveilig|onveilige|gevaarlijk|gevaarlijke|levensgevaarlijk", 0.55),
    ("ongeluk|ongelukken|gewond|splinter|spijkers|bloedneus|hersenschudding", 0.3),
    # lessons, care, costs
    ("geen gym|les|lessen|vakdocent|invaller|vervanging|leerkracht|juf|meester|opvang", 0.5),
    ("niet|nooit opgetreden|ingegrepen|aangepakt|opgelost|gehandeld", 0.5),
    ("waar ~ geld ~ naartoe|blijft", 0.4),
    ("blauw oog|blauwe plekken", 0.3),
    ("thuis moet|moeten ~ blijven, thuis blijven|gehouden|zitten", 0.45),
    ("naar huis gestuurd", 0.5),
    ("lesuitval|uitval|uitvalt|uitvallen|uitgevallen|vervalt, valt|vallen uit", 0.45),
    ("chaos|chaotisch|puinhoop|zooitje|rommeltje|janboel|rommelig|ongeorganiseerd", 0.5),
    ("verprutst|verprutsen|verprutste|verknoeid|verknoeien|verknald", 0.5),
    ("drama|rampzalig, een ramp", 0.5),
    ("klaar mee, spuugzat|kotsbeu", 0.55),
    ("onduidelijk|onduidelijke|onduidelijkheid", 0.35),
    ("niet uitgelegd|verantwoord", 0.45),
    # feelings and verdicts
    ("jammer", 0.3),
    ("teleurgesteld|teleurstellend|teleurstelling|gefrustreerd|frustrerend", 0.6),
    ("boos|kwaad|woedend|razend|verdrietig, gek van", 0.4),
    (
        "schandalig|schande|belachelijk|bizar|triest|treurig|waardeloos|onacceptabel|slechtste"
        "|ergste",
        0.55,
    ),
    ("slecht|slechte|beroerd|onprofessioneel", 0.5),
    ("verkeerd|verkeerde", 0.3),
    ("klacht|klachten|klagen|problemen|probleem", 0.3),
    ("bezorgd, maak|maken me|ons zorgen", 0.3),
    ("buikpijn", 0.15),
    # English
    ("disappointed|disappointing|frustrated|unacceptable|terrible|awful|worst", 0.6),
    ("still nothing, no response|reply|one, nobody|ignored|unsafe|bullied|bullying", 0.5),
    ("not what we expected", 0.5),
]
# The school's own name (read as the token <school>) as who says nothing: "Zwanenhof zegt
# niks", "Het Zwanenhof zegt er niets over" ("zegt niks" alone is none: "een cijfer zegt niks").
SCHOOL_SILENCE = [("<school> ~ zegt|zei|zeggen|zeiden ~ niks|niets", 0.5)]
# Negative words that are praise once negated ("niet slecht"), with that praise's weight.
NEGATABLE_NEGATIVE = {
    "slecht": 0.5, "slechte": 0.5, "verkeerd": 0.4, "probleem": 0.3, "problemen": 0.3,
    "klagen": 0.4, "jammer": 0.2, "verprutst": 0.3, "verknoeid": 0.3,
}  # fmt: skip
NEGATIVE_EMOJI = frozenset("😞😡😠🤬😤🙄😢😭😩😒👎💩😔😟")

# --- positive ---------------------------------------------------------------------------

POSITIVE = [
    ("allerbeste|topschool|topjuf|topjuffen|topmeester|topteam|topper|toppers|toppie", 0.7),
    ("beste juf|juffen|meester|school|leerkracht|team|klas", 0.6),
    ("complimenten|compliment|complimentje|pluim|chapeau|hulde|bravo, petje af", 0.7),
    ("dank|dankjewel|dankjulliewel|dankuwel|bedankt|bedank|dankbaar|thanks|thank", 0.6),
    ("lintje|aanrader|lof", 0.6),
    ("trots op", 0.5),
    ("trots", 0.35),
    ("gefeliciteerd|proficiat|felicitaties", 0.45),
    ("fijn|fijne|fijner", 0.45),
    ("leuk|leuke|heerlijk|heerlijke", 0.4),
    ("gezellig|gezellige", 0.5),
    ("ziet|zag er ~ strak|mooi|prachtig|goed|netjes|geweldig uit", 0.5),
    ("prima|top|tof|toffe|geweldig|geweldige|fantastisch|fantastische|klasse", 0.5),
    ("prachtig|prachtige|schitterend|schitterende|mooi|mooie|knap|knappe|keurig", 0.45),
    (
        "goed|prima|mooi|keurig|netjes|super|top geregeld|georganiseerd|gedaan|bezig|opgepakt"
        "|gehandeld|gereageerd|opgevangen|geholpen|begeleid|opgelost",
        0.6,
    ),
    (
        "goed|goeie|goede|fijne|warme|leuke school|sfeer|juf|juffen|meester|team|opvang|onderwijs"
        "|begeleiding|zorg|leerkrachten|leerkracht",
        0.5,
    ),
    ("goed voor elkaar|mekaar", 0.6),
    ("goed veur|vur|voor mekaar|mekoar|elkaar", 0.6),
    ("mooi|goed|knap wark|werk", 0.6),
    ("blij|bliej|bly|blieje|tevreden met|mit|mee|with|over", 0.6),
    ("tevreden", 0.45),
    ("met|mit ~ plezier", 0.5),
    ("zoveel|veel geduld|aandacht|liefde|zorg", 0.5),
    ("schat|schatje|kanjer|toppertje|parel|klasbak|topper, luisterend oor", 0.5),
    ("dolblij|superblij|apetrots|supertrots|dolgelukkig", 0.55),
    ("in de roos", 0.4),
    (
        "mooi|mooie|leuk|leuke|prachtig|prachtige|geweldig|tof|top project|initiatief|actie|idee"
        "|voorstelling|uitje",
        0.55,
    ),
    ("feest|feestje van gemaakt|maken", 0.55),
    ("warm welkom, welkom gevoeld", 0.5),
    (
        "betrokken|zorgzaam|zorgzame|geduldig|geduldige|lief|lieve|aardig|aardige|vriendelijk"
        "|vriendelijke",
        0.4,
    ),
    ("respect", 0.5),
    ("genoten|genieten", 0.4),
    ("niet weg te slaan", 0.4),
    ("niks|niets dan lof", 0.7),
    ("niks|niets mis mee, niks|niets op aan te merken", 0.5),
    ("dikke duim, duim omhoog", 0.6),
    # English
    ("amazing|awesome|great|wonderful|fantastic|brilliant|lovely|excellent|love|loved", 0.55),
    ("glad|happy|grateful|thankful, proud of", 0.5),
]
NEGATABLE_POSITIVE = frozenset(
    {
        "fijn", "fijne", "leuk", "leuke", "prima", "tevreden", "top", "geweldig", "goed",
        "gezellig", "mooi", "ok", "oke", "okay", "acceptabel", "normaal", "netjes", "happy",
        "blij", "veilig", "veilige", "aardig", "vriendelijk",
    }
)  # fmt: skip
# Words that are not praise by themselves but say "bad" once negated: "niet oke".
NEGATED_ONLY_POSITIVE = {
    "ok": 0.5, "oke": 0.5, "okay": 0.5, "acceptabel": 0.55, "normaal": 0.5, "goed": 0.4,
    "netjes": 0.45, "veilig": 0.55, "veilige": 0.55, "aardig": 0.5, "vriendelijk": 0.5,
}  # fmt: skip
POSITIVE_EMOJI = frozenset("❤♥💛💚💙💜🧡🤍🩷😍🥰👏🙌🔝👍💪🎉🥳⭐🌟🏆💯🤩😻")
# Praise that names a staff member, the team or the school — kept when a pupil is named.
PRAISE_TARGETS = frozenset(
    {
        "juf", "juffen", "juffrouw", "meester", "meesters", "team", "school", "leerkracht",
        "leerkrachten", "ouderraad", "directeur", "directrice", "jullie", "leraar", "leraren",
        "staff", "teachers", "teacher", "organisatie",
    }
)  # fmt: skip
# Praise of how someone looks: under a picture of children it praises the children, not
# the school ("wat zien ze er mooi uit", "staan er mooi op", "zo schattig"; emoji beside
# it likewise). "ze zingen zo mooi" praises what they do, an activity of the school.
LOOKS_PRAISE = frozenset({"schattig", "schattige", "snoezig", "stralen", "stralend"})
LOOKS_VERBS = frozenset({"ziet", "zien", "zag", "zagen", "staat", "staan", "stond", "stonden"})
# A positive term followed by one of these, with complaints around, is sarcasm.
SARCASM_AFTER = frozenset({"weer", "alweer", "again", "hoor"})
SARCASM = [
    ("bedankt|dank|thanks voor|for niks|niets|nothing", 0.6),
    ("lekker dan, nou lekker, goed bezig hoor, lekker bezig", 0.5),
]
# Ironic openers: sarcasm only when the post also complains.
SARCASM_HINTS = [
    ("goh|nou|jeetje|wauw wat fijn|leuk|handig|geweldig|mooi|goed|fijn|top", 0.5),
    ("wat fijn|leuk|handig dat ~ weer|alweer|opnieuw", 0.5),
]

# --- insult -----------------------------------------------------------------------------

# Squeezed forms are compared (repeated letters collapsed on both sides): list plain words.
INSULT_WORDS = {
    # Dutch abuse
    "idioot": 0.8, "idioten": 0.8, "debiel": 0.8, "debielen": 0.8, "randdebiel": 0.9,
    "achterlijk": 0.7, "achterlijke": 0.7, "mongool": 0.9, "mongolen": 0.9, "mongooltje": 0.9,
    "klootzak": 0.9, "klootzakken": 0.9, "eikel": 0.7, "eikels": 0.7, "lul": 0.7, "lullen": 0.7,
    "sukkel": 0.6, "sukkels": 0.6, "hoer": 0.9, "hoeren": 0.9, "slet": 0.9, "teef": 0.9,
    "trut": 0.7, "trutten": 0.7, "kutwijf": 0.9, "wijf": 0.5, "wijven": 0.5, "imbeciel": 0.8,
    "zwakzinnig": 0.8, "gestoord": 0.5, "gestoorde": 0.5, "prutser": 0.6, "prutsers": 0.6,
    "kneus": 0.5, "kneuzen": 0.5, "oetlul": 0.7, "mafkees": 0.6, "malloot": 0.5,
    "schoft": 0.7, "schoften": 0.7, "tuig": 0.7, "uitschot": 0.8, "loser": 0.6, "losers": 0.6,
    "dombo": 0.6, "sufkop": 0.5, "heks": 0.45, "heksen": 0.45, "lachertje": 0.5,
    "aanfluiting": 0.4, "clown": 0.6, "clowns": 0.6, "kinderlokker": 0.9, "pedo": 0.9,
    "pedofiel": 0.9, "viezerik": 0.6, "oplichter": 0.6, "oplichters": 0.6, "dief": 0.6,
    "dieven": 0.6, "fraudeur": 0.6, "corrupt": 0.5, "kankerlijer": 0.95, "kankerlijder": 0.95,
    "tyfuslijer": 0.95, "teringlijer": 0.95, "klerelijer": 0.9, "leugenaar": 0.7,
    "leugenaars": 0.7, "lafaard": 0.7, "lafaards": 0.7, "hypocriet": 0.5, "etter": 0.6,
    "etters": 0.6, "engerd": 0.7, "griezel": 0.6, "nietsnut": 0.6, "nietsnutten": 0.6,
    "zakkenwasser": 0.8, "zakkenwassers": 0.8, "kutkind": 0.9, "rotkind": 0.7,
    # English abuse
    "idiot": 0.8, "idiots": 0.8, "moron": 0.8, "morons": 0.8, "stupid": 0.5, "dumb": 0.5,
    "asshole": 0.9, "assholes": 0.9, "bitch": 0.9, "bitches": 0.9, "retard": 0.9,
    "retards": 0.9, "retarded": 0.9, "pathetic": 0.5, "incompetent": 0.5, "cunt": 0.95,
    "dickhead": 0.9, "wanker": 0.9, "wankers": 0.9, "scum": 0.8,
}  # fmt: skip
# Swear words that say nothing about a person by themselves: aimed only with a target.
SWEAR_WORDS = {
    "kut": 0.8, "kanker": 0.9, "kenker": 0.9, "tering": 0.8, "tyfus": 0.8, "klere": 0.7,
    "kolere": 0.7, "fucking": 0.6, "fuck": 0.6, "fck": 0.6, "fucken": 0.6, "shit": 0.5,
    "godver": 0.5, "godverdomme": 0.5, "verdomme": 0.4, "klote": 0.6, "kloten": 0.6,
    "pleuris": 0.6,
}  # fmt: skip
# Prefixes of curse compounds: teringschool, tyfusjuffen, kankerweer, kutwijf.
CURSE_PREFIXES = ("kanker", "kenker", "kankah", "tering", "tyfus", "klere", "kolere", "kut",
                  "klote", "pleuris", "fucking", "kloten", "rot")  # fmt: skip
# Compound heads and following words that make a curse aimed at people or the school.
PERSON_HEADS = frozenset(
    {
        "juf", "juffen", "juffrouw", "meester", "meesters", "school", "scholen", "schooltje",
        "kind", "kinderen", "kinders", "wijf", "wijven", "lijer", "lijers", "lijder", "lijders",
        "leraar", "leraren", "lerares", "directeur", "directrice", "hoer", "mongool", "mongolen",
        "homo", "ouders", "moeder", "vader", "vent", "gozer", "man", "vrouw", "leerkracht",
        "leerkrachten", "team", "personeel", "teacher", "teachers", "mens", "mensen", "zak",
        "zakken", "lul", "kop", "kech", "bende", "tuig", "apen", "aap", "clown", "clowns",
        "idioot", "idioten", "jong", "meid", "wicht", "staff", "people",
    }
)  # fmt: skip
# Heads that make the curse an intensifier of praise: teringgezellig, fucking goed.
PRAISE_HEADS = frozenset(
    {
        "gezellig", "gezellige", "leuk", "leuke", "mooi", "mooie", "goed", "goede", "lekker",
        "vet", "gaaf", "gave", "cool", "tof", "toffe", "fijn", "fijne", "geweldig", "knap",
        "amazing", "great", "awesome", "good", "nice", "blij", "trots", "grappig",
    }
)  # fmt: skip
# "kanker" the disease, not the curse.
DISEASE_CONTEXT = frozenset(
    {
        "heeft", "had", "hebben", "kreeg", "gekregen", "krijgt", "aan", "tegen", "met", "chemo",
        "chemotherapie", "behandeling", "behandeld", "bestraling", "ziek", "ziekte", "overleden",
        "diagnose", "patient", "patienten", "onderzoek", "genezen", "kwf", "strijd", "vecht",
        "vechten", "bestrijding", "tumor", "uitgezaaid", "ongeneeslijk", "longkanker",
        "borstkanker", "darmkanker", "leukemie", "genezing", "sponsorloop", "inzamelen",
        "opgespoord", "vroeg", "screening",
    }
)  # fmt: skip
INSULT_MODIFIERS = frozenset(
    {"vuile", "vieze", "stomme", "domme", "ouwe", "oude", "kut", "fucking", "absolute",
     "complete", "totale", "grote", "stelletje", "die", "wat", "zo'n", "jij", "je"}
)  # fmt: skip
INSULT_EMOJI = {"🤡": 0.55, "🖕": 0.8, "🐷": 0.3, "💩": 0.3}
INSULT_PHRASES = [
    # mockery without curse words
    ("zit|zitten ~ uren uit", 0.55),
    ("ouwe|oude heks|taart|zak|lul|trut|zeur", 0.7),
    (
        "stomme|domme|vuile|vieze|achterlijke|luie|gore|nutteloze|waardeloze|incompetente juf"
        "|juffen|meester|meesters|directeur"
        "|directrice|leraar|lerares|leerkracht|leerkrachten|school|wijf|wijven|kinderen",
        0.6,
    ),
    ("stelletje ~ amateurs|prutsers|clowns|idioten|sukkels|apen|zakken", 0.7),
    ("doet|doen niks|niets behalve|dan", 0.4),
    # threats, veiled or not
    ("moet|moeten ~ oppassen|uitkijken", 0.85),
    ("kijk|kijken maar uit", 0.7),
    ("ik sta er, ik weet waar, we|wij weten waar", 0.35),
    ("weet|weten ~ te vinden", 0.6),
    ("weet|weten waar ~~ woont|wonen", 0.8),
    ("zal|zullen|gaat|gaan ~ het weten|merken|bezuren", 0.7),
    ("let|pas maar op, let op je tellen", 0.6),
    ("in elkaar slaan|trappen|rammen|timmeren|beuken", 0.9),
    ("kapot slaan|maken|trappen", 0.8),
    ("vermoord|vermoorden|afmaken|neersteken|doodsteken|neerschieten|doodschieten", 0.95),
    ("krijgt|krijg|krijgen ~ klappen|klap, krijgt|krijg|krijgen ~ pak slaag|rammel", 0.8),
    ("ik|we|wij pak|pakken ~ je|jou|hem|haar|jullie", 0.7),
    ("steek ~ af|neer, steek ~ in de fik", 0.8),
    ("in de fik", 0.3),
    ("wacht maar af|tot", 0.6),
    ("val|vallen dood, rot|pleur|tyf|sodemieter|hoepel|flikker op", 0.7),
    # accusations of crimes
    ("blijf|blijft van ~ dochter|zoon|kind|kinderen|meisje|jongen af", 0.7),
    ("zit|zat|zitten aan ~ kinderen|kind|meisjes|jongens|leerlingen", 0.85),
    ("raakt|raken|betast|betasten ~ kinderen|kind|meisjes|jongens|leerlingen aan", 0.85),
    ("misbruik*|aanrand*|steelt|fraudeert|verduistert|verduisterd", 0.6),
]

# --- privacy ----------------------------------------------------------------------------

MEDIA_WORDS = frozenset(
    {
        "foto", "fotos", "foto's", "fotootje", "fotootjes", "filmpje", "filmpjes", "video",
        "videos", "video's", "film", "schoolfoto", "klassenfoto", "groepsfoto", "photo",
        "photos", "picture", "pictures", "pic", "pics", "selfie", "opname", "opnames", "vlog",
        "livestream", "beelden",
    }
)  # fmt: skip
MEDIA_EMOJI = frozenset("📸📷🎥📹🎬🤳")
CHILDREN_WORDS = frozenset(
    {
        "kinderen", "kinders", "kids", "klas", "klassen", "klasgenoten", "klasgenootjes",
        "leerlingen", "kleuters", "kleutertjes", "groep", "groepen", "groepje", "schoolfoto",
        "klassenfoto", "groepsfoto", "kanjers", "toppers", "pupils", "children", "class",
        "meiden", "jongens", "meisjes", "vriendjes", "vriendinnetjes", "kindjes",
        "kindertjes",
    }
)  # fmt: skip
# Personal details of a third party: health, divorce, address, results.
SENSITIVE = [
    ("burn|burnout|burn-out|overspannen|overspannenheid|depressie|depressief", 0.7),
    ("kanker|chemo|chemotherapie|bestraling|tumor|leukemie", 0.7),
    ("zwanger*|miskraam|ziekenhuis|opgenomen|operatie|geopereerd", 0.6),
    ("been|arm|pols|enkel|sleutelbeen gebroken", 0.6),
    ("ziek|ziekgemeld|ziekteverlof|ziektewet", 0.45),
    ("dyslexie|adhd|autisme|autistisch|add|pdd-nos|hoogbegaafd", 0.5),
    ("scheiding|gescheiden|scheiden|echtscheiding|vreemdgegaan|vreemdgaan|affaire", 0.7),
    ("gaan|gingen|zijn uit elkaar", 0.7),
    ("adres|woonadres|huisadres|telefoonnummer|huisnummer, woont op|aan, 06 <num>", 0.7),
    ("citoscore|eindtoets|toetsscore|rapportcijfer|iq, onvoldoende voor", 0.4),
    ("schuldsanering|schulden|werkloos", 0.5),
]
# Who the detail is about: someone else (staff, a named pupil, "haar ouders").
THIRD_PARTY_SUBJECTS = STAFF_TITLES | frozenset({"haar", "zijn", "hun", "hij", "zij"})

# --- verify_fact ------------------------------------------------------------------------

VERIFY = [
    # closing, merging, moving, renaming
    ("sluit|sluiten|sluiting|gesloten|dicht|dichtgaat|dichtgaan|opgeheven|opheffing", 0.6),
    ("fusie|fuseert|fuseren|gefuseerd|samengaan|samenvoegen|samenvoeging", 0.7),
    ("verhuist|verhuizen|verhuizing|verhuisd", 0.6),
    ("nieuwe|andere naam, naamswijziging|hernoemd, heet voortaan", 0.65),
    # inspection
    (
        "inspectie ~~ oordeel|beoordeeld|beoordeelt|noemt|zwak|onvoldoende|voldoende|goed|rapport",
        0.7,
    ),
    ("inspectie|onderwijsinspectie|inspectierapport|inspectiebezoek|inspecteur", 0.45),
    # strike
    ("staking|stakingen|staken|staakt|stakingsdag|actiedag|stakingen", 0.7),
    ("alle groepen|kinderen vrij|thuis", 0.4),
    # the head leaving
    (
        "directeur|directrice|schoolleider|locatieleider ~~ vertrekt|stopt|weg|afscheid|pensioen"
        "|ontslagen|ontslag|vertrek|opgestapt|baan",
        0.7,
    ),
    ("nieuwe directeur|directrice|schoolleider", 0.6),
    # events: date, place, changes
    (
        "sportdag|schoolreis|schoolreisje|kamp|schoolkamp|musical|ouderavond|kerstviering"
        "|kerstmarkt|opendag|studiedag|avondvierdaagse|koningsspelen|afscheidsavond"
        "|informatieavond|schoolfoto|kijkavond|rapportavond ~ verplaatst|verschoven|afgelast"
        "|geannuleerd|uitgesteld|vervroegd, open dag ~ verplaatst|verschoven|afgelast, "
        "sportdag|schoolreis|kamp|musical|ouderavond|kerstviering|kerstmarkt|studiedag ~ "
        "gaat|vindt|wordt niet|plaats|gehouden",
        0.7,
    ),
    ("verplaatst|verschoven|afgelast|geannuleerd|uitgesteld ~ naar|tot|vanwege|ivm|i.v.m.", 0.5),
    # school times and policy
    (
        "schooltijden|lestijden|continurooster|schooldagen ~ veranderen|verandert|gewijzigd"
        "|wijzigen|nieuwe|voortaan|vanaf|anders",
        0.65,
    ),
    ("voortaan, vanaf|per volgend schooljaar", 0.35),
    ("vanaf|per ~ begint|beginnen|start|starten|eindigt|eindigen, vanaf|per ~ gaat|gaan uit", 0.5),
    ("in plaats van", 0.25),
    ("nieuwe|andere|gewijzigde|aangepaste schooltijden|lestijden|rooster", 0.6),
    ("studiedag|studiemiddag|margedag", 0.5),
    ("vrije dag|middag", 0.4),
    ("kinderen|groepen|leerlingen zijn|hebben vrij", 0.45),
    ("voortaan|vanaf|per ~ continurooster|schooltijden|lestijden|rooster|gelijke", 0.6),
    ("nieuw|nieuwe beleid|regel|regels, afgeschaft|afschaffen", 0.5),
    ("verbod|verboden", 0.4),
    # building
    ("nieuw|nieuwe gebouw|schoolgebouw|pand|locatie", 0.6),
    ("nieuwbouw|sloop|gesloopt|verbouwing|verbouwd|noodlokalen|noodgebouw", 0.6),
    # rumour and news
    ("klopt het, is het waar, gerucht|geruchten, hoor het overal", 0.55),
    ("schijnt dat, zou|zouden gaan", 0.35),
    ("is it true, rumour|rumours|rumor|rumors", 0.55),
    ("closing|closes|merge|merging|merger|strike|strikes|inspectors|headteacher|principal", 0.5),
    ("breaking|definitief|officieel, las ik, in|volgens de krant", 0.2),
]
_EVENTS = (
    "sportdag|schoolreis|schoolreisje|kamp|schoolkamp|musical|ouderavond|kerstviering|kerstmarkt"
    "|opendag|studiedag|avondvierdaagse|koningsspelen|afscheidsavond|informatieavond|kijkavond"
    "|rapportavond|schoolfoto|schoolfotograaf|voorstelling|viering|markt|disco|feest|open"
)
_DATES = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|jan|feb|mrt|apr|jun|jul|aug"
    "|sep|sept|okt|nov|dec"
)
# The date of an event, stated (not asked): "de kijkavond is op 4 oktober".
EVENT_DATES = [(f"{_EVENTS} ~~ {_DATES}, {_DATES} ~~ {_EVENTS}", 0.5)]
# Moving is about the school only when no person is the subject.
VERIFY_PERSON_GUARDED = frozenset({"verhuist", "verhuizen", "verhuizing", "verhuisd"})
# "kan beter gesloten worden" is a wish, not a claim.
VERIFY_WISH_WORDS = frozenset(
    {"beter", "moet", "moeten", "mag", "mogen", "zou", "zouden", "wil", "willen", "hoop"}
)
# Closing is about the school only in a sentence naming it, and not about a facility.
VERIFY_SCHOOL_GUARDED = frozenset(
    {"sluit", "sluiten", "sluiting", "gesloten", "dicht", "dichtgaat", "dichtgaan", "closing",
     "closes"}
)  # fmt: skip
FACILITIES = frozenset(
    {
        "gymzaal", "zaal", "gymlokaal", "plein", "schoolplein", "wc", "wc's", "toilet",
        "toiletten", "keuken", "bibliotheek", "hek", "deur", "poort", "parkeerplaats",
        "speelplaats", "weg", "straat", "fietsenstalling", "kantine", "kraan", "raam",
        "ramen", "lokaal", "speeltuin", "zandbak", "brug", "laan",
    }
)  # fmt: skip
# A problem reported as solved well.
RESOLVED = [
    (
        "opgelost|verholpen|rechtgezet|aangepakt, goed|snel|meteen|direct|netjes|serieus"
        " opgepakt|afgehandeld|gereageerd|ingegrepen|aangepakt",
        0.5,
    ),
]
