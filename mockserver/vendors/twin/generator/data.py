"""Static tables behind the TWIN fixtures: clients' names and phones, companies, message texts.

Kept apart from the generator so that the code reads as rules and this file as data. TWIN's
customers are mostly in Russia and Central Asia, so Russian, Uzbek and Kazakh clients dominate,
with European, Turkish, Arabic and Chinese ones mixed in. Each culture carries its mobile number
shape and how a woman's surname is formed (Иванов -> Иванова, Karimov -> Karimova); clients
write in their own language (Kazakh clients in Russian, Arabic and Chinese ones in English).
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = [
    "ATTACHMENTS",
    "AWKWARD_NAMES",
    "BOT_GREETING",
    "BOT_NAMES",
    "BOT_TEXTS",
    "CHAT_NAMES",
    "CLIENT_TEXTS",
    "COMPANY_BASES",
    "CULTURES",
    "GROUP_NAMES",
    "LEGAL_FORMS",
    "MESSENGER_WEIGHTS",
    "OPERATORS",
    "OPERATOR_TEXTS",
    "PAGES",
    "TAGS",
    "Culture",
]


class Culture(NamedTuple):
    code: str
    weight: int
    phone_prefix: str  # E.164 country code and the first digits of a mobile number
    phone_digits: int  # digits after the prefix
    feminine: str  # appended to a surname for a woman
    language: str  # the language the client writes in, a key of CLIENT_TEXTS
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


# code weight phone-prefix digits feminine-ending (- for none) language
_CULTURES = """
ru 34 +79 9 а ru
uz 14 +9989 8 a uz
kk 8 +7707 7 а ru
en 12 +447 9 - en
es 8 +346 8 - es
de 8 +4915 9 - de
tr 7 +905 9 - tr
ar 5 +9715 8 - en
zh 4 +8613 9 - en
"""
_NAMES = """
ru.male Иван Алексей Дмитрий Сергей Михаил Андрей
ru.female Анна Мария Елена Ольга Татьяна
ru.family Иванов Смирнов Кузнецов Попов Волков Соколов Лебедев Морозов
uz.male Aziz Bekzod Jasur Otabek Sardor
uz.female Dilnoza Gulnora Malika Shahzoda Zarina
uz.family Karimov Tursunov Yusupov Abdullayev Nazarov Ergashev
kk.male Айбек Ерлан Нурлан Данияр Арман
kk.female Асель Айгерим Динара Жанар Мадина
kk.family Ахметов Серикбаев Жумабеков Нурланов Касымов Оспанов
en.male James Liam Noah William Oliver Jack
en.female Olivia Emma Ava Sophia Amelia
en.family Smith Johnson Brown Taylor Wilson Davies Evans Roberts
es.male José Javier Alejandro Pablo Andrés
es.female María Lucía Carmen Sofía Marta
es.family García Fernández López Martínez Sánchez Pérez Ruiz
de.male Lukas Jonas Felix Jürgen Maximilian Björn
de.female Hanna Lea Sophie Lena Jana
de.family Müller Schmidt Schneider Fischer Weber Meyer Schäfer
tr.male Mehmet Mustafa Emre Burak Oğuz
tr.female Ayşe Fatma Zeynep Elif Çağla
tr.family Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk
ar.male محمد أحمد علي يوسف خالد
ar.female فاطمة عائشة مريم ليلى نور
ar.family العلي الحسن المنصور الخطيب الزهراني
zh.male 伟 磊 洋 杰 强
zh.female 芳 娜 敏 静 婷
zh.family 王 李 张 刘 陈 杨
"""


def _cultures() -> tuple[Culture, ...]:
    rows = (line.split() for line in _NAMES.strip().splitlines())
    names = {key: tuple(words) for key, *words in rows}
    cultures = []
    for line in _CULTURES.strip().splitlines():
        code, weight, prefix, digits, feminine, language = line.split()
        cultures.append(
            Culture(
                code,
                int(weight),
                prefix,
                int(digits),
                feminine.strip("-"),
                language,
                names[f"{code}.male"],
                names[f"{code}.female"],
                names[f"{code}.family"],
            )
        )
    return tuple(cultures)


CULTURES: Final = _cultures()

MESSENGER_WEIGHTS: Final = {
    "WHATSAPP": 30,
    "TELEGRAM": 25,
    "WEB": 20,
    "FACEBOOK": 6,
    "INSTAGRAM": 8,
    "VIBER": 6,
    "VK": 5,
}

# Operators' names with the ASCII spelling used in their e-mail addresses.
_OPERATORS = """
Ekaterina Volkova|ekaterina.volkova
Pavel Orlov|pavel.orlov
Dilshod Aminov|dilshod.aminov
Aigerim Sadykova|aigerim.sadykova
Kate Morgan|kate.morgan
Carlos Vega|carlos.vega
Svenja Krüger|svenja.krueger
Ahmet Koç|ahmet.koc
Nodira Salimova|nodira.salimova
Oleg Zaitsev|oleg.zaitsev
Laura Bianchi|laura.bianchi
Timur Ismailov|timur.ismailov
"""
OPERATORS: Final = tuple(tuple(line.split("|")) for line in _OPERATORS.strip().splitlines())

# Session names that test CSV quoting and spreadsheet formula injection, as clients type them.
AWKWARD_NAMES: Final = (
    "O'Brien, Sean",
    'Анна "Аня" Смирнова',
    "Smith; John",
    'Jean-Luc "JL" Picard, Jr.',
    '=HYPERLINK("https://evil.example/","Click me")',
    "=1+1",
    "@support_admin",
    "-=Dark_Lord=-",
    "+7 (916) 555-12-34",
    "Müller & Söhne; Einkauf",
)

# Company display name and the ASCII slug of its channels (bot names, web domains).
COMPANY_BASES: Final = (
    ("Ромашка", "romashka"),
    ("Северный ветер", "sevveter"),
    ("Atlas Logistics", "atlas"),
    ("Samarkand Silk", "samsilk"),
    ("Nordlicht", "nordlicht"),
    ("Sol y Mar", "solymar"),
    ("Bosphorus Tekstil", "bosphorus"),
    ("Алтын Дала", "altyndala"),
    ("Green Leaf", "greenleaf"),
    ("Техносфера", "technosfera"),
    ("Café Olé", "cafeole"),
    ("Oasis Dental", "oasisdental"),
)
LEGAL_FORMS: Final = ("ООО «{}»", "{} LLC", "{} GmbH", "{} S.L.", "{} MChJ", "{} Ltd", "ТОО «{}»")

BOT_NAMES: Final = ("Ассистент Алиса", "HelpBot", "Доставка-бот", "Asistente Sol", "Kira")
CHAT_NAMES: Final = ("Поддержка", "Sales", "Доставка", "Support 24/7", "Отдел продаж", "Consultas")
TAGS: Final = (
    "vip",
    "доставка",
    "оплата",
    "возврат",
    "жалоба",
    "lead",
    "consulta",
    "b2b",
    "повтор",
)
# Pages of a company site where the web widget was opened (the session's referer).
PAGES: Final = ("", "catalog/shoes?utm_source=google&utm_medium=cpc", "contacts", "cart")

# ``{n}`` is an order or invoice number.
CLIENT_TEXTS: Final = {
    "ru": (
        "Здравствуйте! Где мой заказ №{n}?",
        "Можно оплатить картой, при получении?",
        'Хочу оформить возврат, товар "не тот"',
        "Спасибо, всё получил 👍",
        "мне нужен оператор",
    ),
    "uz": ("Salom! Narxi qancha?", "Buyurtmam {n} qachon keladi?"),
    "en": ("Hello, I need help with order #{n}", "Hi, can I change the delivery address?"),
    "es": ("¿Tienen envío a Valencia?", "Hola, mi pedido {n} llegó roto."),
    "de": ("Guten Tag,\nich habe eine Frage zur Rechnung {n}.", "Wann kommt meine Bestellung?"),
    "tr": ("Merhaba, siparişim gelmedi", "Fatura {n} için iade istiyorum, lütfen."),
}
OPERATOR_TEXTS: Final = (
    "Добрый день! Сейчас проверю ваш заказ.",
    "Your order #{n} ships tomorrow.",
    "Передала ваш вопрос в отдел доставки, ответим в течение часа.",
    "Спасибо за обращение!\nХорошего дня.",
    "Gracias, le escribimos en breve.",
)
# A bot's text and the quick answers it offers (None: a free-text answer is expected).
BOT_TEXTS: Final = (
    ("Выберите пункт меню:\n1 — Доставка\n2 — Оплата\n3 — Оператор", ("1", "2", "3")),
    ("Я бот-помощник. Чем могу помочь?", None),
    ("Please describe your question, an operator will join.", None),
    ("Переключаю на оператора, ожидайте…", None),
    ("Оцените, пожалуйста, наш ответ", ("👍", "👎")),
)
# What a bot says first, in a session started through the API.
BOT_GREETING: Final = ("Здравствуйте! Я бот-помощник. Чем могу помочь?", ("Доставка", "Оплата"))
GROUP_NAMES: Final = ("Поддержка", "Продажи", "VIP", "Night shift", "Escalations", "Доставка")
# Last-message type, attachment file name and content type.
ATTACHMENTS: Final = (
    ("IMAGE", "photo_{n}.jpg", "image/jpeg"),
    ("FILE", "invoice_{n}.pdf", "application/pdf"),
    ("AUDIO", "voice_{n}.ogg", "audio/ogg"),
)
