"""The work a SuperOffice chat session can be connected to: Project, Sale and Ticket carriers.

Same conventions as :mod:`.superoffice_crm` (complete carriers, names for enums, UTC wire dates,
``0001-01-01T00:00:00`` for unset). Each builder keeps the record's own arithmetic true, since a
client may check it: a sale's weighted amount is amount x probability, a won or lost sale is
completed with probability 100 or 0, a ticket's reply and close times are the minutes between
its own timestamps, and only a closed ticket has ``ClosedAt``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .crm import UNSET, Record, rights, stamp
from .data import (
    COUNTRIES,
    PROJECT_STATUSES,
    PROJECT_TYPES,
    SALE_TYPES,
    TICKET_CATEGORIES,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    TICKET_TYPES,
)


def project(rng: random.Random, ident: int, owner: Record, when: datetime) -> Record:
    """A Project carrier; ``Updated`` is UTC by the vendor's definition."""
    status = rng.randrange(len(PROJECT_STATUSES))
    kind = rng.randrange(len(PROJECT_TYPES))
    published = rng.random() < 0.3
    return {
        "ProjectId": ident,
        "Name": rng.choice(
            [
                "Webshop relaunch",
                "CRM rollout",
                "Nordic expansion",
                "Customer portal",
                "Chatbot pilot",
                "ERP integration",
            ]
        ),
        "Description": "",
        "URL": "",
        "Type": PROJECT_TYPES[kind],
        "AssociateId": owner["AssociateId"],
        "AssociateFullName": owner["FullName"],
        "TypeId": kind + 1,
        "Updated": stamp(when + timedelta(days=rng.randint(1, 60))),
        "StatusId": status + 1,
        "Status": PROJECT_STATUSES[status],
        "TextId": 0,
        "PublishTo": stamp(when + timedelta(days=90)) if published else UNSET,
        "PublishFrom": stamp(when) if published else UNSET,
        "IsPublished": published,
        "URLName": None,
        "ProjectNumber": str(10000 + ident),
        "ActiveErpLinks": 0,
        "EventId": 0,
        "StartDate": UNSET,
        "TableRight": rights("Select, Update, Insert, Delete"),
        "FieldProperties": {},
    }


def sale(
    rng: random.Random,
    ident: int,
    company: Record,
    buyer: Record,
    owner: Record,
    linked: Record | None,
    when: datetime,
) -> Record:
    """A Sale carrier for ``company``; amounts in the company's currency."""
    status = rng.choice(["Open", "Open", "Sold", "Lost", "Stalled"])
    probability = {"Sold": 100, "Lost": 0}.get(status, rng.choice([10, 25, 50, 75, 90]))
    amount = float(rng.randrange(5_000, 500_000, 250))
    earning = round(amount * rng.choice([0.15, 0.2, 0.3]), 2)
    kind = rng.randrange(len(SALE_TYPES))
    country = next(c for c, i in COUNTRIES.items() if i["id"] == company["CountryId"])
    return {
        "ContactName": company["Name"],
        "SaleDate": stamp(when + timedelta(days=rng.randint(7, 120))),
        "SaleId": ident,
        "Probability": probability,
        "Title": rng.choice(
            ["Annual licence", "Support agreement", "Hardware upgrade", "Onboarding"]
        ),
        "Amount": amount,
        "Currency": COUNTRIES[country]["currency"],
        "ProjectName": linked["Name"] if linked else "",
        "AssociateFullName": owner["FullName"],
        "Description": "",
        "Status": status,
        "WeightedAmount": round(amount * probability / 100, 2),
        "ProjectId": linked["ProjectId"] if linked else 0,
        "EarningPercent": round(100 * earning / amount, 2),
        "Earning": earning,
        "ContactId": company["ContactId"],
        "AssociateId": owner["AssociateId"],
        "PersonId": buyer["PersonId"],
        "SaleTypeId": kind + 1,
        "SaleTypeName": SALE_TYPES[kind],
        "PersonFullName": buyer["FullName"],
        "Completed": "Completed"
        if status in ("Sold", "Lost")
        else rng.choice(["NotStarted", "Started"]),
        "ActiveErpLinks": 0,
        "NextDueDate": UNSET
        if status in ("Sold", "Lost")
        else stamp(when + timedelta(days=rng.randint(1, 30))),
        "Number": "",
        "TableRight": rights("Select, Update, Insert, Delete"),
        "FieldProperties": {},
    }


def ticket(
    rng: random.Random,
    ident: int,
    customer: Record,
    owner: Record,
    lang: str,
    when: datetime,
    deal: Record | None,
) -> Record:
    """A Ticket (service request) carrier from ``customer``, owned by ``owner``."""
    base = rng.choice(["Active", "Active", "Closed", "Closed", "Postponed"])
    replied = when + timedelta(minutes=rng.randint(2, 600))
    closed = replied + timedelta(hours=rng.randint(1, 72)) if base == "Closed" else None
    changed = closed or replied + timedelta(minutes=rng.randint(0, 300))
    priority = rng.randrange(len(TICKET_PRIORITIES))
    category = rng.randrange(len(TICKET_CATEGORIES))
    to_reply = int((replied - when).total_seconds() // 60)
    to_close = int((closed - when).total_seconds() // 60) if closed else 0
    messages = rng.randint(1, 9)
    return {
        "TicketId": ident,
        "Title": rng.choice(
            [
                "Login problem",
                "Order not delivered",
                "Wrong invoice",
                "Change of address",
                "Question about licence",
            ]
        ),
        "CreatedAt": stamp(when),
        "LastChanged": stamp(changed),
        "ReadByOwner": stamp(changed),
        "ReadByCustomer": stamp(replied),
        "FirstReadByUser": stamp(when + timedelta(minutes=1)),
        "Activate": stamp(changed + timedelta(days=3)) if base == "Postponed" else UNSET,
        "ClosedAt": stamp(closed),
        "RepliedAt": stamp(replied),
        "AlertTimeout": UNSET,
        "Deadline": stamp(when + timedelta(days=3)),
        "CreatedBy": 1,
        "CreatedByName": "SYSTEM",
        "Author": customer["Email"],
        "OwnedBy": owner["EjUserId"],
        "OwnedByName": owner["Name"],
        "Category": category + 1,
        "CategoryName": TICKET_CATEGORIES[category][0],
        "CategoryFullname": TICKET_CATEGORIES[category][1],
        "Slevel": "External",
        "Priority": priority + 1,
        "PriorityName": TICKET_PRIORITIES[priority],
        "BaseStatus": base,
        "TicketStatus": {"Active": 1, "Closed": 2, "Postponed": 3}[base],
        "TicketStatusDisplayValue": TICKET_STATUSES[base],
        "Origin": rng.choice(["Chat", "Chat", "Email", "Phone", "CustomerCentre"]),
        "CustId": customer["PersonId"],
        "PersonFirstname": customer["Firstname"],
        "PersonMiddleName": customer["MiddleName"],
        "PersonLastname": customer["Lastname"],
        "PersonFullname": customer["FullName"],
        "AlertLevel": rng.choice([0, 0, 0, 1, 2]),
        "ConnectId": 0,
        "ReadStatus": rng.choice(["Green", "Green", "Yellow", "Red"]),
        "TimeToReply": to_reply,
        "RealTimeToReply": to_reply,
        "TimeToClose": to_close,
        "RealTimeToClose": to_close,
        "TimeSpentInternally": to_reply * 60,
        "TimeSpentExternally": rng.randint(0, 3600),
        "TimeSpentQueue": rng.randint(0, 900),
        "RealTimeSpentInternally": to_reply * 60,
        "RealTimeSpentExternally": rng.randint(0, 7200),
        "RealTimeSpentQueue": rng.randint(0, 1800),
        "TimeSpent": rng.randint(0, 90),
        "HasAttachment": rng.random() < 0.2,
        "NumReplies": messages // 2,
        "NumMessages": messages,
        "FromAddress": customer["Email"],
        "ContactId": customer["ContactId"],
        "ContactName": customer["ContactName"],
        "OwnedByAssociateId": owner["AssociateId"],
        "Language": lang,
        "Sentiment": rng.randint(0, 100),
        "SentimentConfidence": rng.randint(40, 100),
        "SaleId": deal["SaleId"] if deal else 0,
        "ProjectId": deal["ProjectId"] if deal else 0,
        "SaleHeading": deal["Title"] if deal else "",
        "ProjectName": deal["ProjectName"] if deal else "",
        "FormSubmissionId": 0,
        "TicketTypeId": (ident % 3) + 1,
        "TicketTypeName": TICKET_TYPES[ident % 3],
        "TableRight": rights("Select, Update, Insert, Delete"),
        "FieldProperties": {},
    }
