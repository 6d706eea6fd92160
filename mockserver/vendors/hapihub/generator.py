"""Deterministic HAPI Hub fixtures: accounts (doctors, patients, admins) and telemed sessions.

HAPI Hub is MYCURE's API for clinics in the Philippines, so most people have Filipino names and
``+639…`` mobile numbers; the rest come from the other communities a Manila clinic serves.
Accounts are mock-only records (the login e-mail, password, static API token and role the mock
authenticates with); their ``id`` and ``uid`` are one value, the uid that sessions name in
``participants`` and every ``*By``. Sessions are wire records, exactly the vendor's fields.

Every session is a doctor and a patient (sometimes a third person: a referred doctor or a
relative), created by one of them or by a clinic admin, in one of five lifecycle states in fixed
shares, so that each state has enough sessions at any ``count``. A state decides which stamps
exist and who made them, and the stamps are drawn forward in time so that ``createdAt ≤
startedAt ≤ acceptedAt|rejectedAt ≤ finishedAt``; sessions still open (created, started,
accepted) are mostly recent, as in a live clinic. Records come out in creation order with
ObjectId-like ids whose leading bytes are the creation second, as MongoDB's would be, so the
natural order, the id order and the ``createdAt`` order agree. ``_ANCHOR`` is "now" for the
data, a fixed instant, so the output depends on ``count`` and ``seed`` alone.
"""

from __future__ import annotations

import random
import unicodedata
from itertools import accumulate
from typing import Any

__all__ = ["DEMO_ACCOUNTS", "STATES", "generate"]

_ANCHOR = 1_794_787_200_000  # 2026-11-16T00:00:00Z
_MINUTE = 60_000
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_HISTORY = 730 * _DAY
_MANILA = 8 * _HOUR

_DEMO_PASSWORD = "demo-password"
DEMO_ACCOUNTS: tuple[dict[str, Any], ...] = tuple(
    {
        "id": uid,
        "uid": uid,
        "email": f"{role}@hapihub.example",
        "password": _DEMO_PASSWORD,
        "token": f"demo-{role}-token",
        "role": role,
        "firstName": first,
        "lastName": last,
        "mobileNo": mobile,
        "createdAt": _ANCHOR - 3 * _HISTORY,
    }
    for uid, role, first, last, mobile in (
        ("dQw8Nc2kT1hVbR7mYpL3sXe9ZaF4", "doctor", "Maria Clara", "Santos", "+639171234567"),
        ("pA7uK3mWq9ZrT2cXnB5vLe8YsG1h", "patient", "Jose Miguel", "Reyes", "+639281234567"),
        ("aM4xR8tJw2QkZ7nVc1LpE9yHbD3s", "admin", "Liza", "Villanueva", "+639998765432"),
    )
)

STATES = ("created", "started", "accepted", "rejected", "finished")
_STATE_SHARES = (0.10, 0.10, 0.10, 0.12, 0.58)
_OPEN_RECENT = {"created": 0.5, "started": 0.7, "accepted": 0.75}
# Manila clinic hours, busiest mid-morning and mid-afternoon
_HOURS = range(7, 23)
_HOUR_CUM = list(accumulate([2, 5, 8, 9, 9, 7, 6, 8, 9, 8, 7, 6, 5, 4, 3, 2]))

# culture -> weight, mobile prefix, digits after it, "first names", "last names"
_CULTURE_TABLE: dict[str, tuple[int, str, int, str, str]] = {
    "filipino": (
        55,
        "+639",
        9,
        "Juan, Maria, Jose, Ana, Mark Anthony, Kristine, Rodrigo, Marites, Jericho, Angelica, "
        "Ramon, Luzviminda, Paolo, Rosario, Bayani, Dalisay, Ligaya, Emmanuel, Jocelyn, Nestor",
        "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Dela Cruz, Villanueva, Aquino, "
        "Ramos, Castillo, Manalo, Dimaculangan, Macaraeg, Pangilinan, Soriano, Tolentino, Dizon",
    ),
    "chinese-filipino": (
        8,
        "+639",
        9,
        "Wei Ming, Mei Ling, Jian, Xiu Ying, Kevin, Michelle, Henry, Grace",
        "Tan, Lim, Sy, Go, Co, Chua, Ong, Yap, Uy, Ang",
    ),
    "spanish": (
        6,
        "+346",
        8,
        "José, Lucía, Álvaro, Begoña, Íñigo, Nuria, Raúl, Pilar",
        "García, Fernández, López, Martínez, Sánchez, Muñoz, Jiménez, Peña",
    ),
    "japanese": (
        5,
        "+8190",
        8,
        "Haruto, Yui, Sōta, Aoi, Ren, Hina, Kaito, Sakura",
        "Satō, Suzuki, Takahashi, Tanaka, Watanabe, Itō, Yamamoto, Nakamura",
    ),
    "korean": (
        5,
        "+8210",
        8,
        "Min-jun, Seo-yeon, Ji-ho, Ha-eun, Do-yoon, Ji-woo, Eun-ji, Hyun-woo",
        "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon",
    ),
    "indian": (
        6,
        "+919",
        9,
        "Aarav, Priya, Vihaan, Ananya, Arjun, Diya, Rohan, Kavya",
        "Sharma, Patel, Iyer, Reddy, Nair, Gupta, Mukherjee, Singh",
    ),
    "arabic": (
        4,
        "+9715",
        8,
        "Omar, Layla, Yusuf, Fatima, Khalid, Noor, Hassan, Mariam",
        "Al-Sayed, Haddad, Khoury, Nasser, Mansour, Saleh, Haddadin, Aziz",
    ),
    "vietnamese": (
        4,
        "+849",
        8,
        "Minh, Linh, Quang, Thảo, Đức, Ngọc, Tuấn, Hương",
        "Nguyễn, Trần, Lê, Phạm, Hoàng, Võ, Đặng, Bùi",
    ),
    "german": (
        4,
        "+4915",
        9,
        "Lukas, Anna, Jürgen, Mia, Björn, Lea, Matthias, Käthe",
        "Müller, Schmidt, Schäfer, Weiß, Köhler, Fischer, Becker, Hoffmann",
    ),
    "american": (
        3,
        "+1415",
        7,
        "Emily, Michael, Ashley, Christopher, Jessica, Tyler, Madison, Brandon",
        "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson",
    ),
}
_CULTURES = {
    name: (prefix, digits, firsts.split(", "), lasts.split(", "))
    for name, (_, prefix, digits, firsts, lasts) in _CULTURE_TABLE.items()
}
_CULTURE_NAMES = list(_CULTURES)
_CULTURE_CUM = list(accumulate(row[0] for row in _CULTURE_TABLE.values()))

_PATIENT_DOMAINS = ["gmail.com", "yahoo.com", "yahoo.com.ph", "outlook.com", "icloud.com"]
_CLINIC_DOMAINS = ["makatimed.example", "cebudocs.example", "qcgeneral.example", "davao.example"]
_PASSWORD_WORDS = ["mabuhay", "sampaguita", "kalamansi", "bituin", "dagat", "jeepney", "kape"]
_REJECT_REASONS = [
    "Please book a clinic visit so I can examine you in person.",
    "I am in surgery until 3 PM, please request again later.",
    "Your symptoms need the emergency room. Please go to the nearest ER now.",
    "This concern is better handled by a dermatologist; I will refer you.",
    "Pasensya na po, may emergency ako ngayon. Paki-book ulit bukas.",
    "Wala po akong clinic hours ngayong Linggo.",
    "Lo siento, no atiendo consultas de pediatría.",
    "申し訳ありませんが、本日の受付は終了しました。",
    "Incomplete medical history: please fill in your intake form first.",
    "Duplicate request: you already have a session with me today.",
]


def generate(count: int, seed: int = 1) -> dict[str, list[dict[str, Any]]]:
    """``count`` chat sessions and the accounts they involve, the same for the same arguments."""
    rng = random.Random(f"hapihub:{seed}")
    accounts, doctors, patients, admins = _accounts(rng, count)
    sessions = _sessions(rng, count, doctors, patients, admins)
    return {"accounts": accounts, "sessions": sessions}


# -- accounts ---------------------------------------------------------------------------------


def _accounts(
    rng: random.Random, count: int
) -> tuple[list[dict[str, Any]], list[str], list[str], list[str]]:
    """The demo accounts, then doctors, patients and admins in numbers that scale with count."""
    accounts = [dict(demo) for demo in DEMO_ACCOUNTS]
    taken_uids = {a["uid"] for a in accounts}
    taken_emails = {a["email"] for a in accounts}
    wanted = {"doctor": max(6, count // 25), "patient": max(12, count // 5)}
    wanted["admin"] = 1 + count // 50_000
    for role, number in wanted.items():
        for _ in range(number):
            uid = _uid(rng, taken_uids)
            culture = rng.choices(_CULTURE_NAMES, cum_weights=_CULTURE_CUM)[0]
            prefix, digits, firsts, lasts = _CULTURES[culture]
            first, last = rng.choice(firsts), rng.choice(lasts)
            words = rng.choices(_PASSWORD_WORDS, k=2)
            accounts.append(
                {
                    "id": uid,
                    "uid": uid,
                    "email": _email(rng, role, first, last, taken_emails),
                    "password": f"{words[0]}-{words[1]}-{rng.randrange(1000, 10_000)}",
                    "token": f"hh_{rng.getrandbits(128):032x}",
                    "role": role,
                    "firstName": first,
                    "lastName": last,
                    "mobileNo": prefix + "".join(rng.choices("0123456789", k=digits)),
                    # every account exists before the oldest session
                    "createdAt": _ANCHOR - _HISTORY - rng.randrange(_DAY, 4 * 365 * _DAY),
                }
            )
    by_role: dict[str, list[str]] = {"doctor": [], "patient": [], "admin": []}
    for account in accounts:
        by_role[account["role"]].append(account["uid"])
    return accounts, by_role["doctor"], by_role["patient"], by_role["admin"]


def _uid(rng: random.Random, taken: set[str]) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    while True:
        uid = "".join(rng.choices(alphabet, k=28))
        if uid not in taken:
            taken.add(uid)
            return uid


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == " ").replace(" ", "")


def _email(rng: random.Random, role: str, first: str, last: str, taken: set[str]) -> str:
    domains = _PATIENT_DOMAINS if role == "patient" else _CLINIC_DOMAINS
    local = rng.choice(
        [
            f"{_ascii(first)}.{_ascii(last)}",
            f"{_ascii(first)[:1]}{_ascii(last)}",
            f"{_ascii(last)}.{_ascii(first)}",
        ]
    )
    if role == "doctor":
        local = f"dr.{local}"
    email = f"{local}@{rng.choice(domains)}"
    while email in taken:
        email = f"{local}{rng.randrange(1, 10_000)}@{rng.choice(domains)}"
    taken.add(email)
    return email


# -- sessions ---------------------------------------------------------------------------------


def _sessions(
    rng: random.Random, count: int, doctors: list[str], patients: list[str], admins: list[str]
) -> list[dict[str, Any]]:
    demo_doctor, demo_patient = DEMO_ACCOUNTS[0]["uid"], DEMO_ACCOUNTS[1]["uid"]
    states = [
        s
        for s, share in zip(STATES, _STATE_SHARES, strict=True)
        for _ in range(round(count * share))
    ]
    states = (states + ["finished"] * count)[:count]
    rng.shuffle(states)
    # the first session of each state is between the two demo accounts, whatever the count
    demo_pairs = {states.index(state) for state in STATES if state in states}
    doctor_cum = list(accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(doctors))))
    doctor_picks = rng.choices(doctors, cum_weights=doctor_cum, k=count)
    patient_picks = rng.choices(patients, k=count)
    drafts: list[dict[str, Any]] = []
    for index, state in enumerate(states):
        doctor, patient = doctor_picks[index], patient_picks[index]
        if index in demo_pairs or rng.random() < 0.12:
            doctor = demo_doctor
        if index in demo_pairs or rng.random() < 0.08:
            patient = demo_patient
        people = [patient, doctor]
        extra = rng.random()
        if extra < 0.05:  # a referred colleague joins
            people.append(_other(rng, doctors, people))
        elif extra < 0.09:  # a relative joins (a parent, a carer)
            people.append(_other(rng, patients, people))
        drafts.append(_session(rng, state, people, admins))
    drafts.sort(key=lambda s: s["createdAt"])
    machine = f"{rng.getrandbits(40):010x}"
    for n, session in enumerate(drafts):
        session["id"] = f"{session['createdAt'] // 1000:08x}{machine}{n:06x}"
    return drafts


def _session(
    rng: random.Random, state: str, people: list[str], admins: list[str]
) -> dict[str, Any]:
    """One session in ``state``; ``people`` is [patient, doctor, maybe a third person]."""
    patient, doctor = people[0], people[1]
    roll = rng.random()
    creator = patient if roll < 0.65 else doctor if roll < 0.96 else rng.choice(admins)
    if creator == doctor:
        people = [doctor, patient, *people[2:]]
    created = _created_at(rng, state)
    # the id is set once every session exists: it encodes the creation order
    session: dict[str, Any] = {"id": "", "createdAt": created, "createdBy": creator}
    session["type"] = "telemed"
    if rng.random() < 0.9:
        session["room"] = f"mc-tm-{rng.getrandbits(32):08x}"
    session["participants"] = people
    if state == "created":
        return session

    stamp = created + (
        rng.randrange(5_000, 5 * _MINUTE) if rng.random() < 0.6 else rng.randrange(_HOUR, 3 * _DAY)
    )
    session["startedAt"] = stamp
    session["startedBy"] = patient if rng.random() < 0.75 else doctor
    if state == "rejected":
        stamp += rng.randrange(5_000, 30 * _MINUTE)
        session["rejectedAt"] = stamp
        session["rejectedBy"] = doctor
        if rng.random() < 0.7:
            session["rejectReason"] = rng.choice(_REJECT_REASONS)
    answered = state == "accepted" or (state == "finished" and rng.random() < 0.88)
    if answered:
        stamp += min(int(rng.lognormvariate(11.5, 1.0)), 15 * _MINUTE) + 10_000
        session["acceptedAt"] = stamp
        session["acceptedBy"] = doctor
    if state == "finished":
        # an answered consultation lasts minutes to an hour; an unanswered one ends when the
        # patient gives up waiting
        stamp += (
            rng.randrange(5 * _MINUTE, 60 * _MINUTE)
            if answered
            else rng.randrange(3 * _MINUTE, 45 * _MINUTE)
        )
        session["finishedAt"] = stamp
        session["finishedBy"] = (doctor if rng.random() < 0.7 else patient) if answered else patient
    return _before_anchor(session, stamp)


def _other(rng: random.Random, pool: list[str], people: list[str]) -> str:
    while True:
        pick = rng.choice(pool)
        if pick not in people:
            return pick


def _created_at(rng: random.Random, state: str) -> int:
    """A creation time in Manila clinic hours: recent for most open sessions, else any day."""
    recent = rng.random() < _OPEN_RECENT.get(state, 0.0)
    day = rng.randrange(0, 3) if recent else rng.randrange(0, _HISTORY // _DAY)
    hour = rng.choices(_HOURS, cum_weights=_HOUR_CUM)[0]
    manila_midnight = _ANCHOR - (day + 1) * _DAY - _MANILA
    return manila_midnight + hour * _HOUR + rng.randrange(_HOUR)


def _before_anchor(session: dict[str, Any], last: int) -> dict[str, Any]:
    """Move a session whose last stamp would fall after "now" back in time, order intact."""
    excess = last - _ANCHOR
    if excess > 0:
        for field in ("createdAt", "startedAt", "acceptedAt", "rejectedAt", "finishedAt"):
            if field in session:
                session[field] -= excess
    return session
