"""The people and companies a SuperOffice chat session links to (Associate, Person, Contact
carriers), built the way the WebAPI serialises them, and the small helpers every carrier uses.

Each builder returns one complete carrier (every property present, enums and rights masks as
names, dates as ``YYYY-MM-DDTHH:MM:SS`` in UTC with ``0001-01-01T00:00:00`` for "unset"), so that
a chat session can embed the very same object and the fixtures validate against the spec's own
schemas. The shapes follow the vendor's captures in its npm client's tests: small carriers carry
a ``TableRight`` and an empty ``FieldProperties``, masks such as ``"Select, Update, Delete"``,
``LocalizedAddress`` rows labelled ``SR_AL_…``, ``EmailAddressName`` and ``URLName`` null.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime
from typing import Any, Final

from .data import (
    BUSINESSES,
    CATEGORIES,
    COMPANY_WORDS,
    COUNTRIES,
    DEPARTMENTS,
    NAMES,
    POSITIONS,
)

Record = dict[str, Any]
UNSET: Final = "0001-01-01T00:00:00"
_ASCII: Final = str.maketrans(
    {"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "Ø": "O", "Æ": "AE", "'": ""}
)


def stamp(moment: datetime | None) -> str:
    """The wire form of a stored UTC time: no offset, no fraction; None is the unset date."""
    return UNSET if moment is None else moment.isoformat(timespec="seconds")


def digits(pattern: str, rng: random.Random) -> str:
    """``pattern`` with every ``#`` replaced by a random digit."""
    width = pattern.count("#")
    fill = iter(f"{rng.randrange(10**width):0{width}d}")
    return "".join(next(fill) if ch == "#" else ch for ch in pattern)


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII for e-mail addresses and host names (``Sæther`` -> ``saether``)."""
    plain = unicodedata.normalize("NFKD", text.translate(_ASCII)).encode("ascii", "ignore").decode()
    return sep.join("".join(c for c in word if c.isalnum()) for word in plain.lower().split())


def rights(mask: str = "Select, Update, Delete", reason: str = "") -> Record:
    """A TableRight or FieldRight: a mask of names joined by ``", "`` and a reason."""
    return {"Mask": mask, "Reason": reason}


def field(kind: str, length: int, mask: str = "Update", reason: str = "") -> Record:
    """One FieldProperties entry, as in the vendor's captures."""
    return {"FieldRight": rights(mask, reason), "FieldType": kind, "FieldLength": length}


def person_name(rng: random.Random, lang: str) -> tuple[str, str, str, str]:
    """(salutation, first name, middle name, last name) from one language's names."""
    first, last, salutation = NAMES[lang]
    middle, _, family = rng.choice(last).rpartition("|")
    return rng.choice(salutation), rng.choice(first), middle, family


def full_name(first: str, middle: str, last: str) -> str:
    return " ".join(part for part in (first, middle, last) if part)


def associate(
    ident: int,
    name: str,
    person: Record | None,
    kind: str,
    *,
    deleted: bool = False,
    user_name: str | None = None,
    ej_user: int = 0,
    group: int = 1,
    tooltip: str = "",
) -> Record:
    """An Associate carrier (SW order; ExtraFields/CustomFields left out, as the captures do)."""
    full = person["FullName"] if person else name.title()
    return {
        "AssociateId": ident,
        "Name": name,
        "PersonId": person["PersonId"] if person else 0,
        "Rank": ident,
        "Tooltip": tooltip,
        "Type": kind,
        "GroupIdx": group,
        "FullName": full,
        "FormalName": person["FormalName"] if person else full,
        "Deleted": deleted,
        "EjUserId": ej_user,
        "UserName": user_name,
        "TableRight": rights("Select, Update", "[SR_ACCESS_ASSOC_DELETE]"),
        "FieldProperties": {},
    }


def _address(rng: random.Random, country: str) -> tuple[Record, str]:
    """An Address carrier in the country's layout, and its city."""
    info = COUNTRIES[country]
    city, zipcode, county, lat, lon = rng.choice(info["cities"])
    street = info["street"].format(s=rng.choice(info["streets"]), n=rng.randint(1, 240))
    if country in ("US", "GB"):
        last = f"{city}, {county} {zipcode}" if county and country == "US" else f"{city}\n{zipcode}"
    else:
        last = f"{zipcode} {city}"
    formatted = f"{street}\n{last}\n"

    def line(name: str, value: str, label: str, length: int = 80) -> Record:
        return {
            "Name": name,
            "Value": value,
            "Tooltip": "",
            "Label": label,
            "ValueLength": length,
            "AddressType": "ContactPostalAddress",
            "TableRight": None,
            "FieldProperties": {},
        }

    rows = [
        [line("PostalAddress1", street, "SR_AL_ADDRESS1")],
        [line("PostalAddress2", "", "SR_AL_ADDRESS2")],
    ]
    if country == "US":
        rows.append(
            [
                line("PostalCity", city, "SR_AL_CITY"),
                line("PostalState", county, "SR_AL_STATE", 5),
                line("PostalZipcode", zipcode, "", 12),
            ]
        )
    elif country == "GB":
        rows += [
            [line("PostalCity", city, "SR_AL_CITY")],
            [
                line("PostalCounty", county, "SR_AL_COUNTYPCODE", 29),
                line("PostalZipcode", zipcode, "", 12),
            ],
        ]
    else:
        rows.append(
            [line("PostalZipcode", zipcode, "SR_AL_ZIPCODE", 12), line("PostalCity", city, "")]
        )

    def structured(kind: str) -> Record:
        return {
            "AtypeIdx": kind,
            "Address1": street,
            "Address2": "",
            "Address3": "",
            "City": city,
            "County": county if country == "GB" else "",
            "State": county if country == "US" else "",
            "Zipcode": zipcode,
            "Formatted": formatted,
        }

    return {
        "Wgs84Latitude": lat,
        "Wgs84Longitude": lon,
        "LocalizedAddress": rows,
        "Street": structured("ContactStreetAddress"),
        "Postal": structured("ContactPostalAddress"),
        "Formatted": formatted,
        "TableRight": None,
        "FieldProperties": {},
    }, city


_CONTACT_FIELDS: Final = {
    "ContactId": field("System.Int32", 4),
    "Name": field("System.String", 219, "Update, UIHintMandatory", "[SR_MANDATORY_FIELD_1281]"),
    "Department": field("System.String", 219),
    "OrgNr": field("System.String", 49),
    "Phone": field("System.String", 239),
    "CategoryId": field("System.Int32", 4, "Update, UIHintMandatory", "[SR_ACCESS_MANDATORY]"),
    "BusinessId": field("System.Int32", 4, "Update, UIHintMandatory", "[SR_ACCESS_MANDATORY]"),
}


def contact(rng: random.Random, ident: int, country: str, owner: Record, name: str = "") -> Record:
    """A Contact (company) carrier; ``name`` given for the owner company, else invented."""
    info = COUNTRIES[country]
    roots, trades = COMPANY_WORDS[info["lang"]]
    name = name or f"{rng.choice(roots)} {rng.choice(trades)} {info['suffix']}"
    department = rng.choice(DEPARTMENTS)
    domain = f"{ascii_slug(name.removesuffix(info['suffix']))}.{info['tld']}"
    address, city = _address(rng, country)
    return {
        "ContactId": ident,
        "Name": name,
        "OrgNr": digits(info["orgnr"], rng),
        "Department": department,
        "URL": f"https://www.{domain}/",
        "City": city,
        "DirectPhone": digits(info["phone"], rng),
        "AssociateId": owner["AssociateId"],
        "CountryId": info["id"],
        "EmailAddress": f"post@{domain}",
        "Kananame": "",
        "EmailAddressName": None,
        "URLName": None,
        "AssociateFullName": owner["FullName"],
        "BusinessName": rng.choice(BUSINESSES),
        "CategoryName": rng.choice(CATEGORIES),
        "CountryName": info["name"],
        "Address": address,
        "FormattedAddress": address["Formatted"],
        "FullName": f"{name}, {department}" if department else name,
        "IsOwnerContact": False,
        "ActiveErpLinks": 0,
        "Number1": ascii_slug(name)[:9].upper(),
        "Number2": str(10000 + ident),
        "TableRight": rights("Select, Update, Insert, Delete"),
        "FieldProperties": _CONTACT_FIELDS if ident % 3 == 0 else {},
    }


def person(rng: random.Random, ident: int, company: Record, owner: Record, lang: str) -> Record:
    """A Person carrier working at ``company``, named in ``lang``."""
    country = next(c for c, i in COUNTRIES.items() if i["id"] == company["CountryId"])
    info = COUNTRIES[country]
    salutation, first, middle, last = person_name(rng, lang)
    full = full_name(first, middle, last)
    domain = company["EmailAddress"].partition("@")[2]
    email = f"{ascii_slug(first)}.{ascii_slug(middle + last, '')}@{domain}"
    return {
        "Position": rng.choice(POSITIONS),
        "PersonId": ident,
        "Mrmrs": salutation,
        "Firstname": first,
        "Lastname": last,
        "MiddleName": middle,
        "Title": rng.choice(["", "", "Dr.", "Ing."]),
        "Description": "",
        "Email": email,
        "FullName": full,
        "DirectPhone": digits(info["phone"], rng),
        "FormalName": f"{salutation} {full}".strip(),
        "CountryId": info["id"],
        "ContactId": company["ContactId"],
        "ContactName": company["Name"],
        "Retired": 0,
        "Rank": 1,
        "ActiveInterests": rng.randint(0, 3),
        "ContactDepartment": company["Department"],
        "ContactCountryId": company["CountryId"],
        "ContactOrgNr": company["OrgNr"],
        "FaxPhone": "",
        "MobilePhone": digits(info["mobile"], rng),
        "ContactPhone": company["DirectPhone"],
        "AssociateName": owner["FullName"],
        "AssociateId": owner["AssociateId"],
        "UsePersonAddress": False,
        "ContactFax": "",
        "Kanafname": "",
        "Kanalname": "",
        "Post1": "",
        "Post2": "",
        "Post3": "",
        "EmailName": full,
        "ContactFullName": company["FullName"],
        "ActiveErpLinks": 0,
        "TicketPriorityId": rng.randint(1, 3),
        "SupportLanguageId": 0,
        "SupportAssociateId": 0,
        "CategoryName": company["CategoryName"],
        "PersonNumber": "",
        "TableRight": rights("Select, Update, Insert, Delete")
        if ident % 7
        else rights("Select", "[SR_ACCESS_PERSONONCOMPANY]"),
        "FieldProperties": {},
    }
