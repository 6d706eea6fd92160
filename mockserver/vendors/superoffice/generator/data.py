"""Static tables behind the SuperOffice fixtures: people, places, words, translations.

Kept apart from the generator so that the code reads as rules and this file as data. Every
country carries what a CRM record from there looks like (phone and postcode formats, legal
suffixes, organisation numbers), so that a contact from Bergen and one from Leeds differ the
way real ones do. The multi-language values use SuperOffice's own two-letter language codes
(``NO``, ``US``, ``SW`` for Swedish, ``GE`` for German, ``DA``, ``NL``, ``FR``, ``FI``), as its
list items are stored; the resource table is keyed by ISO 639-1 codes, as clients ask for them.
The English texts of the ``SR_…`` strings are the mock's own wording (the vendor publishes the
identifiers, not the texts).
"""

from __future__ import annotations

from typing import Any, Final

# Per country: ISO numeric id, English name, language, time-zone code, phone formats
# (``#`` = a digit), cities (name, postcode, county/state, latitude, longitude), streets,
# street pattern, e-mail top-level domain, legal suffix, organisation number format, currency.
COUNTRIES: Final[dict[str, dict[str, Any]]] = {
    "NO": {
        "id": 578,
        "name": "Norway",
        "lang": "no",
        "tz": "NO",
        "phone": "+47 ## ## ## ##",
        "mobile": "+47 9## ## ###",
        "cities": [
            ("Oslo", "0150", "", 59.9139, 10.7522),
            ("Bergen", "5003", "", 60.3913, 5.3221),
            ("Trondheim", "7011", "", 63.4305, 10.3951),
            ("Tromsø", "9008", "", 69.6492, 18.9553),
            ("Stavanger", "4006", "", 58.9700, 5.7331),
        ],
        "streets": ["Storgata", "Drammensveien", "Kongens gate", "Bryggen", "Fjordveien"],
        "street": "{s} {n}",
        "tld": "no",
        "suffix": "AS",
        "orgnr": "9########",
        "currency": "NOK",
    },
    "SE": {
        "id": 752,
        "name": "Sweden",
        "lang": "sv",
        "tz": "SE",
        "phone": "+46 8 ### ### ##",
        "mobile": "+46 70 ### ## ##",
        "cities": [
            ("Stockholm", "111 22", "", 59.3293, 18.0686),
            ("Göteborg", "411 03", "", 57.7089, 11.9746),
            ("Malmö", "211 20", "", 55.6050, 13.0038),
            ("Uppsala", "753 10", "", 59.8586, 17.6389),
        ],
        "streets": ["Drottninggatan", "Storgatan", "Kungsgatan", "Sveavägen", "Järntorget"],
        "street": "{s} {n}",
        "tld": "se",
        "suffix": "AB",
        "orgnr": "556###-####",
        "currency": "SEK",
    },
    "DK": {
        "id": 208,
        "name": "Denmark",
        "lang": "da",
        "tz": "DK",
        "phone": "+45 ## ## ## ##",
        "mobile": "+45 2# ## ## ##",
        "cities": [
            ("København", "1050", "", 55.6761, 12.5683),
            ("Aarhus", "8000", "", 56.1629, 10.2039),
            ("Odense", "5000", "", 55.4038, 10.4024),
        ],
        "streets": ["Strøget", "Vesterbrogade", "Nørregade", "Søndergade"],
        "street": "{s} {n}",
        "tld": "dk",
        "suffix": "A/S",
        "orgnr": "########",
        "currency": "DKK",
    },
    "DE": {
        "id": 276,
        "name": "Germany",
        "lang": "de",
        "tz": "DE",
        "phone": "+49 30 ########",
        "mobile": "+49 151 ########",
        "cities": [
            ("Berlin", "10115", "", 52.5200, 13.4050),
            ("München", "80331", "", 48.1351, 11.5820),
            ("Hamburg", "20095", "", 53.5511, 9.9937),
            ("Köln", "50667", "", 50.9375, 6.9603),
        ],
        "streets": ["Friedrichstraße", "Hauptstraße", "Königsallee", "Schloßstraße", "Gartenweg"],
        "street": "{s} {n}",
        "tld": "de",
        "suffix": "GmbH",
        "orgnr": "HRB #####",
        "currency": "EUR",
    },
    "NL": {
        "id": 528,
        "name": "Netherlands",
        "lang": "nl",
        "tz": "NL",
        "phone": "+31 20 ### ####",
        "mobile": "+31 6 ########",
        "cities": [
            ("Amsterdam", "1012 AB", "", 52.3676, 4.9041),
            ("Rotterdam", "3011 AD", "", 51.9244, 4.4777),
            ("Utrecht", "3511 AX", "", 52.0907, 5.1214),
        ],
        "streets": ["Keizersgracht", "Damrak", "Coolsingel", "Oudegracht"],
        "street": "{s} {n}",
        "tld": "nl",
        "suffix": "B.V.",
        "orgnr": "########",
        "currency": "EUR",
    },
    "GB": {
        "id": 826,
        "name": "United Kingdom",
        "lang": "en",
        "tz": "GB",
        "phone": "+44 20 7### ####",
        "mobile": "+44 7700 9#####",
        "cities": [
            ("London", "EC1A 1BB", "", 51.5074, -0.1278),
            ("Manchester", "M1 1AE", "", 53.4808, -2.2426),
            ("Leeds", "LS1 4DY", "West Yorkshire", 53.8008, -1.5491),
        ],
        "streets": ["Baker Street", "High Street", "St James Boulevard", "Victoria Road"],
        "street": "{n} {s}",
        "tld": "co.uk",
        "suffix": "Ltd",
        "orgnr": "0#######",
        "currency": "GBP",
    },
    "FR": {
        "id": 250,
        "name": "France",
        "lang": "fr",
        "tz": "FR",
        "phone": "+33 1 ## ## ## ##",
        "mobile": "+33 6 ## ## ## ##",
        "cities": [
            ("Paris", "75002", "", 48.8566, 2.3522),
            ("Lyon", "69002", "", 45.7640, 4.8357),
            ("Toulouse", "31000", "", 43.6047, 1.4442),
        ],
        "streets": [
            "rue de Rivoli",
            "avenue Jean Jaurès",
            "boulevard Haussmann",
            "rue Sainte-Catherine",
        ],
        "street": "{n} {s}",
        "tld": "fr",
        "suffix": "SARL",
        "orgnr": "### ### ###",
        "currency": "EUR",
    },
    "FI": {
        "id": 246,
        "name": "Finland",
        "lang": "fi",
        "tz": "FI",
        "phone": "+358 9 #### ####",
        "mobile": "+358 40 ### ####",
        "cities": [
            ("Helsinki", "00100", "", 60.1699, 24.9384),
            ("Tampere", "33100", "", 61.4978, 23.7610),
            ("Turku", "20100", "", 60.4518, 22.2666),
        ],
        "streets": ["Mannerheimintie", "Hämeenkatu", "Aleksanterinkatu", "Yliopistonkatu"],
        "street": "{s} {n}",
        "tld": "fi",
        "suffix": "Oy",
        "orgnr": "#######-#",
        "currency": "EUR",
    },
    "US": {
        "id": 840,
        "name": "United States",
        "lang": "en",
        "tz": "US-NY",
        "phone": "+1 212-555-0###",
        "mobile": "+1 415-555-0###",
        "cities": [
            ("New York", "10001", "NY", 40.7128, -74.0060),
            ("San Francisco", "94105", "CA", 37.7749, -122.4194),
            ("Austin", "78701", "TX", 30.2672, -97.7431),
        ],
        "streets": ["Fifth Avenue", "Market Street", "Congress Avenue", "Broadway"],
        "street": "{n} {s}",
        "tld": "com",
        "suffix": "Inc.",
        "orgnr": "##-#######",
        "currency": "USD",
    },
    "PL": {
        "id": 616,
        "name": "Poland",
        "lang": "pl",
        "tz": "PL",
        "phone": "+48 22 ### ## ##",
        "mobile": "+48 601 ### ###",
        "cities": [
            ("Warszawa", "00-001", "", 52.2297, 21.0122),
            ("Kraków", "31-001", "", 50.0647, 19.9450),
        ],
        "streets": ["ul. Marszałkowska", "ul. Floriańska", "ul. Długa"],
        "street": "{s} {n}",
        "tld": "pl",
        "suffix": "Sp. z o.o.",
        "orgnr": "###-###-##-##",
        "currency": "PLN",
    },
}

# First names, last names and salutations per language; Dutch surnames carry their "tussenvoegsel"
# as "MiddleName|Lastname", which is how SuperOffice stores them.
NAMES: Final[dict[str, tuple[list[str], list[str], list[str]]]] = {
    "no": (
        ["Ola", "Kari", "Ingrid", "Lars", "Solveig", "Håkon", "Åse", "Bjørn", "Marit", "Sindre"],
        ["Nordmann", "Hansen", "Johansen", "Olsen", "Bakke", "Lie", "Dahl", "Sæther", "Aasen"],
        ["Hr.", "Fru"],
    ),
    "sv": (
        ["Anna", "Erik", "Björn", "Lena", "Maja", "Oskar", "Sofia", "Gustav"],
        ["Andersson", "Johansson", "Karlsson", "Nilsson", "Lindqvist", "Björklund", "Åberg"],
        ["Herr", "Fru"],
    ),
    "da": (
        ["Mette", "Søren", "Jens", "Freja", "Mads", "Line"],
        ["Jensen", "Nielsen", "Pedersen", "Sørensen", "Kjær"],
        ["Hr.", "Fru"],
    ),
    "de": (
        ["Jürgen", "Anke", "Lukas", "Sophie", "Matthias", "Birgit"],
        ["Müller", "Schmidt", "Schröder", "Weiß", "Köhler", "Groß"],
        ["Herr", "Frau"],
    ),
    "nl": (
        ["Sanne", "Bram", "Daan", "Femke", "Joost", "Lieke"],
        ["de|Vries", "van den|Berg", "Jansen", "Bakker", "Visser", "van|Dijk"],
        ["Dhr.", "Mevr."],
    ),
    "en": (
        ["Emily", "James", "Oliver", "Charlotte", "Amelia", "George"],
        ["Smith", "Taylor", "O'Brien", "Walker", "Hughes"],
        ["Mr.", "Ms."],
    ),
    "fr": (
        ["Camille", "Théo", "Élodie", "Julien", "Amélie"],
        ["Dubois", "Lefèvre", "Moreau", "Girard"],
        ["M.", "Mme"],
    ),
    "fi": (
        ["Aino", "Juha", "Mikko", "Sanna"],
        ["Virtanen", "Mäkinen", "Korhonen", "Nieminen"],
        ["", ""],
    ),
    "pl": (
        ["Katarzyna", "Łukasz", "Zofia", "Paweł"],
        ["Kowalski", "Nowak", "Wiśniewski"],
        ["Pan", "Pani"],
    ),
}

COMPANY_WORDS: Final[dict[str, tuple[list[str], list[str]]]] = {
    "no": (
        ["Fjord", "Nordlys", "Bryggen", "Vestland", "Polar"],
        ["Fisk", "Energi", "Bryggeri", "Eiendom", "Data"],
    ),
    "sv": (["Kvarnby", "Göta", "Mälar", "Norrsken"], ["Snickeri", "Logistik", "Bygg", "Konsult"]),
    "da": (["Øresund", "Jysk", "Fyn"], ["Rederi", "Møbler", "Bageri"]),
    "de": (
        ["Rheinblick", "Alpen", "Hansa", "Schwarzwald"],
        ["Maschinenbau", "Versicherung", "Logistik"],
    ),
    "nl": (["Van der Meer", "Zeeland", "Grachten"], ["Bouw", "Handel", "Techniek"]),
    "en": (
        ["Thames Valley", "Pennine", "Hudson Bay", "Lone Star"],
        ["Analytics", "Outfitters", "Supplies"],
    ),
    "fr": (["Lefèvre", "Bordeaux", "Provence"], ["Boulangerie", "Logistique", "Conseil"]),
    "fi": (["Saimaa", "Lappi", "Kalevala"], ["Puu", "Teknologia", "Kuljetus"]),
    "pl": (["Wisła", "Tatry", "Bałtyk"], ["Transport", "Budownictwo", "Systemy"]),
}

DEPARTMENTS: Final[list[str]] = ["", "", "", "Sales", "Support", "Finance", "Nordic division"]

# What customers write first, and what was written last, per language.
FIRST_MESSAGES: Final[dict[str, list[str]]] = {
    "no": [
        "Hei, jeg får ikke logget inn.",
        "Hvor er pakken min?",
        "Kan jeg endre leveringsadressen?",
    ],
    "sv": ["Hej! Jag har inte fått min faktura.", "Hur byter jag lösenord?", "Kan ni ringa mig?"],
    "da": ["Hej, min ordre er ikke kommet frem.", "Kan jeg få en kopi af min faktura?"],
    "de": ["Guten Tag, meine Rechnung ist falsch.", "Wann wird meine Bestellung geliefert?"],
    "nl": ["Hallo, ik kan niet inloggen.", "Waar blijft mijn bestelling?"],
    "en": ["Hi, I can't log in to my account.", "Where is my order?", "Do you ship to Ireland?"],
    "fr": ["Bonjour, je n'ai pas reçu ma commande.", "Puis-je modifier mon abonnement ?"],
    "fi": ["Hei, en pääse kirjautumaan sisään.", "Milloin tilaukseni saapuu?"],
    "pl": ["Dzień dobry, nie mogę się zalogować.", "Gdzie jest moja przesyłka?"],
}
REPLIES: Final[dict[str, list[str]]] = {
    "no": ["Takk for at du ventet, jeg sjekker saken nå.", "Da er det ordnet. Ha en fin dag!"],
    "sv": ["Tack för att du väntade, jag kollar direkt.", "Nu är det fixat. Ha en bra dag!"],
    "da": ["Tak fordi du ventede, jeg undersøger det.", "Så er det ordnet. God dag!"],
    "de": ["Danke für Ihre Geduld, ich prüfe das sofort.", "Erledigt. Schönen Tag noch!"],
    "nl": ["Bedankt voor het wachten, ik kijk het na.", "Het is geregeld. Fijne dag!"],
    "en": ["Thanks for waiting, let me check that for you.", "All sorted now. Have a nice day!"],
    "fr": ["Merci de votre patience, je vérifie.", "C'est réglé. Bonne journée !"],
    "fi": ["Kiitos odotuksesta, tarkistan asian.", "Asia on nyt kunnossa. Hyvää päivänjatkoa!"],
    "pl": ["Dziękuję za cierpliwość, już sprawdzam.", "Gotowe. Miłego dnia!"],
}

# List items as SuperOffice stores them: plain, or one value per language code.
ML_LANGS: Final[tuple[str, ...]] = ("NO", "US", "SW", "GE", "DA", "NL", "FR")


def ml(*values: str) -> str:
    """A multi-language value in the stored form ``NO:"…";US:"…";…`` (order of ML_LANGS)."""
    return ";".join(f'{code}:"{text}"' for code, text in zip(ML_LANGS, values, strict=True))


CATEGORIES: Final[list[str]] = [
    ml("Kunde", "Customer", "Kund", "Kunde", "Kunde", "Klant", "Client"),
    ml(
        "Leverandør",
        "Supplier",
        "Leverantör",
        "Lieferant",
        "Leverandør",
        "Leverancier",
        "Fournisseur",
    ),
    ml("Prospekt", "Prospect", "Prospekt", "Interessent", "Emne", "Prospect", "Prospect"),
    ml("Partner", "Partner", "Partner", "Partner", "Partner", "Partner", "Partenaire"),
    "VIP",
]
BUSINESSES: Final[list[str]] = [
    ml(
        "Varehandel",
        "Retail",
        "Detaljhandel",
        "Einzelhandel",
        "Detailhandel",
        "Detailhandel",
        "Commerce de détail",
    ),
    ml(
        "Industri",
        "Manufacturing",
        "Tillverkning",
        "Fertigung",
        "Produktion",
        "Productie",
        "Industrie",
    ),
    ml(
        "Rådgivning",
        "Consulting",
        "Konsultverksamhet",
        "Beratung",
        "Rådgivning",
        "Advies",
        "Conseil",
    ),
    "IT",
    "Shipping",
]
POSITIONS: Final[list[str]] = [
    ml(
        "Daglig leder",
        "CEO",
        "VD",
        "Geschäftsführer",
        "Administrerende direktør",
        "Directeur",
        "Directeur général",
    ),
    ml("Innkjøper", "Buyer", "Inköpare", "Einkäufer", "Indkøber", "Inkoper", "Acheteur"),
    ml("Leder", "Manager", "Chef", "Leiter", "Leder", "Manager", "Responsable"),
    "",
    "",
]
PROJECT_TYPES: Final[list[str]] = [
    ml(
        "Internt prosjekt",
        "Internal project",
        "Internt projekt",
        "Internes Projekt",
        "Internt projekt",
        "Intern project",
        "Projet interne",
    ),
    ml(
        "Kundeprosjekt",
        "Customer project",
        "Kundprojekt",
        "Kundenprojekt",
        "Kundeprojekt",
        "Klantproject",
        "Projet client",
    ),
]
PROJECT_STATUSES: Final[list[str]] = [
    ml(
        "Planlegging",
        "Planning",
        "Planering",
        "Planung",
        "Planlægning",
        "Planning",
        "Planification",
    ),
    ml("Pågår", "In progress", "Pågår", "In Arbeit", "I gang", "In uitvoering", "En cours"),
    ml("Fullført", "Completed", "Slutförd", "Abgeschlossen", "Afsluttet", "Afgerond", "Terminé"),
]
SALE_TYPES: Final[list[str]] = [
    ml(
        "Nysalg",
        "New business",
        "Nyförsäljning",
        "Neugeschäft",
        "Nysalg",
        "Nieuwe klant",
        "Nouvelle affaire",
    ),
    ml(
        "Fornyelse",
        "Renewal",
        "Förnyelse",
        "Verlängerung",
        "Fornyelse",
        "Verlenging",
        "Renouvellement",
    ),
    "Upsell",
]
TICKET_PRIORITIES: Final[list[str]] = [
    ml("Høy", "High", "Hög", "Hoch", "Høj", "Hoog", "Haute"),
    ml("Middels", "Medium", "Medel", "Mittel", "Mellem", "Gemiddeld", "Moyenne"),
    ml("Lav", "Low", "Låg", "Niedrig", "Lav", "Laag", "Basse"),
]
TICKET_STATUSES: Final[dict[str, str]] = {
    "Active": ml("Åpen", "Open", "Öppen", "Offen", "Åben", "Open", "Ouvert"),
    "Closed": ml("Lukket", "Closed", "Stängd", "Geschlossen", "Lukket", "Gesloten", "Fermé"),
    "Postponed": ml(
        "Utsatt", "Postponed", "Uppskjuten", "Zurückgestellt", "Udsat", "Uitgesteld", "Reporté"
    ),
}
TICKET_CATEGORIES: Final[list[tuple[str, str]]] = [
    ("Support", "Nordic/Support"),
    ("Billing", "Nordic/Billing"),
    ("Webshop", "Webshop"),
]
TICKET_TYPES: Final[list[str]] = ["Question", "Complaint", "Order"]

TOPICS: Final[list[tuple[str, str]]] = [
    ("Kundeservice", "Chat for kunder i Norge"),
    ("Kundtjänst", "Chatt för kunder i Sverige"),
    ("Webshop", "Orders and deliveries"),
    ("Billing", "Invoices and payments"),
    ("Kundendienst", "Chat für Kunden in DACH"),
    ("Partner desk", "Resellers and partners"),
    ("Technical support", "Product questions"),
    ("Sales", "Pre-sales questions"),
]

# Resource strings referenced as [SR_…] in the wire records, with their texts per ISO language.
RESOURCE_STRINGS: Final[dict[str, dict[str, str]]] = {
    "SR_ACCESS_MANDATORY": {
        "en": "This field is mandatory",
        "no": "Dette feltet er obligatorisk",
        "sv": "Det här fältet är obligatoriskt",
        "de": "Dieses Feld ist ein Pflichtfeld",
        "da": "Dette felt er obligatorisk",
        "nl": "Dit veld is verplicht",
        "fr": "Ce champ est obligatoire",
    },
    "SR_MANDATORY_FIELD_1281": {
        "en": "Company name",
        "no": "Firmanavn",
        "sv": "Företagsnamn",
        "de": "Firmenname",
        "da": "Firmanavn",
        "nl": "Bedrijfsnaam",
        "fr": "Nom de société",
    },
    "SR_MANDATORY_FIELD_1285": {
        "en": "Customer name",
        "no": "Kundenavn",
        "sv": "Kundnamn",
        "de": "Kundenname",
        "da": "Kundenavn",
        "nl": "Klantnaam",
        "fr": "Nom du client",
    },
    "SR_MANDATORY_FIELD_1288": {
        "en": "Customer e-mail",
        "no": "Kundens e-post",
        "sv": "Kundens e-post",
        "de": "Kunden-E-Mail",
        "da": "Kundens e-mail",
        "nl": "E-mail van de klant",
        "fr": "E-mail du client",
    },
    "SR_ACCESS_FIELD_R_DB": {
        "en": "The field is read-only",
        "no": "Feltet er skrivebeskyttet",
        "sv": "Fältet är skrivskyddat",
        "de": "Das Feld ist schreibgeschützt",
        "da": "Feltet er skrivebeskyttet",
        "nl": "Het veld is alleen-lezen",
        "fr": "Le champ est en lecture seule",
    },
    "SR_ACCESS_ASSOC_DELETE": {
        "en": "Users cannot be deleted, only retired",
        "no": "Brukere kan ikke slettes, bare pensjoneres",
        "sv": "Användare kan inte tas bort, bara avaktiveras",
        "de": "Benutzer können nicht gelöscht, nur deaktiviert werden",
        "da": "Brugere kan ikke slettes, kun deaktiveres",
        "nl": "Gebruikers kunnen niet worden verwijderd, alleen gedeactiveerd",
        "fr": "Les utilisateurs ne peuvent pas être supprimés, seulement désactivés",
    },
    "SR_ACCESS_PERSONONCOMPANY": {
        "en": "Persons on this company are read-only for you",
        "no": "Personer på dette firmaet er skrivebeskyttet for deg",
        "sv": "Personer på det här företaget är skrivskyddade för dig",
        "de": "Personen dieser Firma sind für Sie schreibgeschützt",
        "da": "Personer på dette firma er skrivebeskyttet for dig",
        "nl": "Personen van dit bedrijf zijn voor u alleen-lezen",
        "fr": "Les personnes de cette société sont en lecture seule pour vous",
    },
    "SR_ACCESS_EXTERNAL_DELETE": {
        "en": "External users cannot delete this record",
        "no": "Eksterne brukere kan ikke slette denne posten",
        "sv": "Externa användare kan inte ta bort den här posten",
        "de": "Externe Benutzer können diesen Datensatz nicht löschen",
        "da": "Eksterne brugere kan ikke slette denne post",
        "nl": "Externe gebruikers kunnen dit record niet verwijderen",
        "fr": "Les utilisateurs externes ne peuvent pas supprimer cet enregistrement",
    },
    "SR_CHAT_ENDED_BY_CUSTOMER": {
        "en": "The customer left the chat",
        "no": "Kunden forlot chatten",
        "sv": "Kunden lämnade chatten",
        "de": "Der Kunde hat den Chat verlassen",
        "da": "Kunden forlod chatten",
        "nl": "De klant heeft de chat verlaten",
        "fr": "Le client a quitté la discussion",
    },
    "SR_CHAT_WELCOME_MESSAGE": {
        "en": "Welcome! How can we help you?",
        "no": "Velkommen! Hva kan vi hjelpe deg med?",
        "sv": "Välkommen! Hur kan vi hjälpa dig?",
        "de": "Willkommen! Wie können wir Ihnen helfen?",
        "da": "Velkommen! Hvordan kan vi hjælpe dig?",
        "nl": "Welkom! Hoe kunnen we u helpen?",
        "fr": "Bienvenue ! Comment pouvons-nous vous aider ?",
    },
}

# ISO 639-1 code -> SuperOffice multi-language code, with the other tags that mean the same.
LANGUAGES: Final[list[dict[str, Any]]] = [
    {"iso": "en", "code": "US", "name": "English", "aliases": ["en-us", "en-gb"]},
    {"iso": "no", "code": "NO", "name": "Norsk", "aliases": ["nb", "nn", "nb-no", "nn-no"]},
    {"iso": "sv", "code": "SW", "name": "Svenska", "aliases": ["sv-se", "sv-fi"]},
    {"iso": "de", "code": "GE", "name": "Deutsch", "aliases": ["de-de", "de-at", "de-ch"]},
    {"iso": "da", "code": "DA", "name": "Dansk", "aliases": ["da-dk"]},
    {"iso": "nl", "code": "NL", "name": "Nederlands", "aliases": ["nl-nl", "nl-be"]},
    {"iso": "fr", "code": "FR", "name": "Français", "aliases": ["fr-fr", "fr-be", "fr-ch"]},
]

# SuperOffice time-zone locations. TZLocationID is the vendor's where its docs print it (UTC 1,
# AU-ACT 36, BD 50, CA-QC 114, DK 140, FR 156, NO 261, US-CA 425, US-HI 433, US-NY 460), else None.
TIME_ZONES: Final[list[tuple[int | None, str, str, str, int, str]]] = [
    (1, "UTC", "UTC/GMT", "", 0, "UTC"),
    (36, "AU-ACT", "Australia", "Canberra", 36, "Australia/Sydney"),
    (50, "BD", "Bangladesh", "Dhaka", 50, "Asia/Dhaka"),
    (114, "CA-QC", "Canada", "Montreal, Quebec", 124, "America/Toronto"),
    (140, "DK", "Denmark", "København", 208, "Europe/Copenhagen"),
    (None, "DE", "Germany", "Berlin", 276, "Europe/Berlin"),
    (None, "FI", "Finland", "Helsinki", 246, "Europe/Helsinki"),
    (156, "FR", "France", "Paris", 250, "Europe/Paris"),
    (None, "GB", "United Kingdom", "London", 826, "Europe/London"),
    (None, "NL", "Netherlands", "Amsterdam", 528, "Europe/Amsterdam"),
    (261, "NO", "Norway", "Oslo", 578, "Europe/Oslo"),
    (None, "PL", "Poland", "Warszawa", 616, "Europe/Warsaw"),
    (None, "SE", "Sweden", "Stockholm", 752, "Europe/Stockholm"),
    (425, "US-CA", "United States", "California", 840, "America/Los_Angeles"),
    (433, "US-HI", "United States", "Hawaii", 840, "Pacific/Honolulu"),
    (460, "US-NY", "United States", "New York", 840, "America/New_York"),
]
