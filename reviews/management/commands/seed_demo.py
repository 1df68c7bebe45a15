"""Load a small, realistic demo council: staff, 30 children, and two years of their reviews and words.

README.md's "Demo logins" describes what this makes; tests/test_demo_seed.py holds the two to
each other.
"""

import random
import time
from datetime import date, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.demo import CHILD_PASSWORD, STAFF_PASSWORD, STAFF_TOTP_SECRET
from accounts.models import IROContract, Role, Team, User
from consultations.models import ChildContact, Invitation
from consultations.services import forms_sync_from_files, invitations_due, response_submit
from feedback.models import Category, Channel
from feedback.services import statement_submit
from reviews import demo_history, statutory
from reviews.demo_outbox import demo_outbox
from reviews.models import Child, PlacementType, Sex, WorkerKind
from reviews.services import advocate_assign, child_admit, iro_allocate, review_schedule_next, worker_allocate

FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harvey", "Isla", "Jayden",
    "Kai", "Lily", "Mason", "Nia", "Oscar", "Priya", "Quinn", "Ruby", "Sam", "Tia",
    "Umar", "Violet", "Will", "Xander", "Yasmin", "Zac", "Amelia", "Leo", "Maya", "Noah",
]  # fmt: skip
ETHNICITIES = ["WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MOTH", "AIND", "APKN", "BAFR", "BCRB", "OOTH", "REFU"]
CHILDREN = 30
NEW_IN_CARE = 30  # came into care two days ago and waits for an IRO
ADVOCATE_FOR = (12, 13, 20, 25)
USES_SYMBOLS = (5, 17)
SAFEGUARDING_ALERT_FOR = 16
REVIEW_NEXT_WEEK = (5, 12, 13, 14, 20)
MANAGER_PERMISSIONS = [
    "view_formtemplate",
    "view_formtemplateversion",
    "add_formtemplateversion",
    "change_formtemplateversion",
    "view_childcontact",
    "add_childcontact",
    "change_childcontact",
    "view_safeguardingphrase",
    "add_safeguardingphrase",
    "change_safeguardingphrase",
]


def age_of(number: int) -> int:
    """Child n is aged 2 + (n - 1) mod 16: ages 2 to 17, spread evenly."""
    return 2 + (number - 1) % 16


def day_next_week(today: date) -> date:
    """Return a working day in the calendar week after today's: its Wednesday, or the nearest one."""
    monday = today + timedelta(days=7 - today.weekday())
    for offset in (2, 1, 3, 0, 4):
        if statutory.is_working_day(monday + timedelta(days=offset)):
            return monday + timedelta(days=offset)
    return monday + timedelta(days=2)


class Command(BaseCommand):
    help = "Load demo data (idempotent). Refuses to run unless HEARD_DEBUG=1 or --force."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")
        parser.add_argument(
            "--outbox",
            type=Path,
            help="Where the demo's emails and texts are written (default: demo-outbox.txt in HEARD_VAR_DIR).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo loads demo people with known passwords: set HEARD_DEBUG=1 or pass --force.")
        if User.objects.filter(username="manager").exists():
            self.stdout.write("Demo data is already loaded.")
            return
        started = time.monotonic()
        path = options["outbox"] or Path(settings.VAR_DIR) / "demo-outbox.txt"
        # Everything sent on commit (invitations, notices, texts) lands in the outbox file. Query
        # logging is off meanwhile: under DEBUG each query is kept, and on SQLite quoted by another.
        with demo_outbox(path) as outbox, override_settings(DEBUG=False), transaction.atomic():
            # A fixed seed keeps the demo the same on every machine; nothing here is secret.
            self._seed(random.Random(2026))  # noqa: S311
        self.stdout.write(
            self.style.SUCCESS(
                f'Demo data loaded in {time.monotonic() - started:.1f} s. Logins are in README.md, "Demo logins".'
            )
        )
        self.stdout.write(f"The demo's emails ({outbox.emails}) and texts ({outbox.texts}) are in {_shown(path)}.")

    def _seed(self, rng: random.Random) -> None:
        now = timezone.now()
        today = timezone.localdate(now)
        forms_sync_from_files()
        # One hash for every account of a kind: hashing is slow on purpose, and these passwords are
        # published in the README anyway.
        staff_password, child_password = make_password(STAFF_PASSWORD), make_password(CHILD_PASSWORD)

        def staff(username: str, role: str, **extra) -> User:
            email = f"{username}@heard.example"
            user = User.objects.create(username=username, email=email, password=staff_password, role=role, **extra)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if user.needs_mfa:
                TOTP.activate(user, STAFF_TOTP_SECRET)
            return user

        # Managers edit consultation forms and the safeguarding phrase list in the admin.
        manager = staff(
            "manager", Role.MANAGER, first_name="Morgan", last_name="Hale", escalation_rank=1, is_staff=True
        )
        manager.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["consultations", "feedback"], codename__in=MANAGER_PERMISSIONS
            )
        )
        deputy = staff("deputy", Role.MANAGER, first_name="Dana", escalation_rank=2)
        staff("admin", Role.ADMIN, is_staff=True, is_superuser=True, first_name="Ada")
        iros = [
            staff(
                "amara",
                Role.IRO,
                iro_contract=IROContract.IN_HOUSE,
                first_name="Amara",
                about_me="Hi, I'm Amara. I chair your reviews and I read every message you send me. "
                "I love football, baking and my very lazy cat.",
            ),
            staff(
                "ben",
                Role.IRO,
                iro_contract=IROContract.IN_HOUSE,
                first_name="Ben",
                about_me="I'm Ben. My job is to make sure your plan is right for you. I play guitar (badly).",
            ),
            staff("cleo", Role.IRO, iro_contract=IROContract.SESSIONAL, fte="0.50", first_name="Cleo"),
        ]
        advocate = staff(
            "advocate",
            Role.ADVOCATE,
            first_name="Riley",
            about_me="I'm Riley. I'm on your side: I help you say what you want, and I can say it for you.",
        )
        # Each child's social worker, and a personal adviser for those 16 and over: they read what a
        # child chooses to send them.
        social_worker = staff(
            "social",
            Role.SOCIAL_WORKER,
            first_name="Sian",
            about_me="I'm Sian, your social worker. Tell me what you need: I'll tell you what I can do about it.",
        )
        adviser = staff(
            "adviser", Role.PERSONAL_ADVISER, first_name="Pat", about_me="I'm Pat. I help you plan for 18+."
        )
        # The emergency duty team: urgent alerts raised out of hours, while open.
        staff("edt", Role.EDT, first_name="Rowan")
        council = demo_history.Council(
            rng=rng, now=now, manager=manager, cicc=staff("cicc", Role.CICC, first_name="Jordan")
        )

        allocated: list[tuple[Child, User]] = []
        children: dict[int, Child] = {}
        for number in range(1, CHILDREN + 1):
            age = age_of(number)
            born = today - relativedelta(years=age, days=rng.randint(1, 360))
            looked_after = max(born + timedelta(days=30), today - timedelta(days=rng.randint(15, 1400)))
            if number == NEW_IN_CARE:
                looked_after = today - timedelta(days=2)
            user = None
            if age >= demo_history.OWN_ACCOUNT_AGE:
                # Ofcom's drama range for those aged 12 and over: numbers that never reach a real phone.
                phone = f"+447700900{number:03d}" if age >= 12 else ""
                user = User.objects.create(
                    username=f"child{number:02d}",
                    password=child_password,
                    role=Role.CHILD,
                    phone=phone,
                    phone_verified=bool(phone),
                )
            child = child_admit(
                case_reference=f"HRD{number:04d}",
                known_as=FIRST_NAMES[number - 1],
                date_of_birth=born,
                sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                ethnicity=rng.choice(ETHNICITIES),
                became_looked_after=looked_after,
                uses_symbols=number in USES_SYMBOLS,
                communication_needs="Uses Makaton symbols" if number in USES_SYMBOLS else "",
                placed_out_of_area=number % 7 == 0,
                placement_region="NW" if number % 7 == 0 else "",
                user=user,
            )
            Child.objects.filter(pk=child.pk).update(**_placement(number, age))
            children[number] = child
            _contacts(child, number)
            if number == NEW_IN_CARE:
                continue  # shown on the manager's allocation page with suggested IROs
            iro = iros[number % 3]
            allocated_on = statutory.add_working_days(looked_after, rng.choice([1, 2, 3, 4, 5, 7]))
            iro_allocate(child=child, iro=iro, allocated_on=min(allocated_on, today))
            worker_allocate(child=child, worker=social_worker, kind=WorkerKind.SOCIAL_WORKER, on=looked_after)
            if age >= statutory.PERSONAL_ADVISER_FROM_AGE:
                sixteen = born + relativedelta(years=statutory.PERSONAL_ADVISER_FROM_AGE)
                worker_allocate(
                    child=child, worker=adviser, kind=WorkerKind.PERSONAL_ADVISER, on=max(looked_after, sixteen)
                )
            helper = None
            if number in ADVOCATE_FOR:
                helper = advocate
                advocate_assign(child=child, advocate=advocate, started_on=looked_after)
            demo_history.child_history(council, child, iro=iro, advocate=helper)
            allocated.append((child, iro))

        # Two IRO teams, so the manager can read the reports for each.
        north = Team.objects.create(name="North and East", manager=manager)
        north.members.set(iros[:2])
        Team.objects.create(name="South and West", manager=manager).members.set(iros[2:])
        demo_history.practice_alerts(council, allocated)
        demo_history.complaints_history(council, allocated)
        demo_history.cicc_history(council)
        demo_history.annual_report_words(council, deputy)
        self._today(children, today)

    def _today(self, children: dict[int, Child], today: date) -> None:
        """What is happening now: an open safeguarding alert, and reviews next week with forms out."""
        child = children[SAFEGUARDING_ALERT_FOR]
        author = User.objects.get(child_record=child)  # aged 17: has an account
        statement_submit(
            author=author,
            child=child,
            category=Category.WHERE_I_LIVE,
            body="I don't feel safe when my carer's friend stays over.",
            channel=Channel.WEB,
        )
        for number in REVIEW_NEXT_WEEK:
            review = review_schedule_next(child=children[number])
            if review is not None:
                review.scheduled_for = day_next_week(today)
                review.save(update_fields=["scheduled_for"])
        invitations_due(today=today)
        carer = Invitation.objects.filter(review__child=children[12], review__held_on__isnull=True, audience="carer")
        response_submit(
            invitation=carer.get(), answers={"progress": "Settled and doing well at school.", "attending": "yes"}
        )


SOCIAL_WORKERS = ["Jo Okafor", "Sam Reid", "Priya Shah", "Tom Evans", "Lena Novak"]


def _placement(number: int, age: int) -> dict[str, str]:
    """Where the child lives, and the home's phone for children's homes (Ofcom's drama landlines)."""
    if age >= 16 and number % 2:
        kind = PlacementType.SUPPORTED
    elif age >= 12 and number % 5 == 0:
        kind = PlacementType.CHILDRENS_HOME
    else:
        kind = [PlacementType.FOSTER_COUNCIL, PlacementType.FOSTER_AGENCY, PlacementType.KINSHIP][number % 3]
    return {
        "placement_type": kind,
        "placement_address": f"{number} Larch Close\nNewtown NT{number % 9 + 1} 7QP",
        "placement_phone": f"+441632960{number:03d}" if kind == PlacementType.CHILDRENS_HOME else "",
    }


def _contacts(child: Child, number: int) -> None:
    """The adults asked before each review: a carer, a social worker, and for some a parent."""
    ChildContact.objects.create(
        child=child,
        role="carer",
        name=f"Carer of {child}",
        email=f"carer{number}@heard.example",
        phone=f"+447700900{600 + number}",
    )
    social_worker = ChildContact.objects.create(
        child=child,
        role="professional",
        name=SOCIAL_WORKERS[number % len(SOCIAL_WORKERS)],
        relationship="social worker",
        email=f"sw{number}@heard.example",
        phone=f"+447700900{700 + number}",
    )
    Child.objects.filter(pk=child.pk).update(social_worker=social_worker)
    if number % 3 == 0:
        ChildContact.objects.create(
            child=child, role="parent", name=f"Parent of {child}", phone=f"+447700900{500 + number}", channel="sms"
        )


def _shown(path: Path) -> str:
    """The path relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
