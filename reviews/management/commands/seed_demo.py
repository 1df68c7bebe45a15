"""Load a small, realistic demo council: staff, about 30 children, reviews and statements."""

import random
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo import CHILD_PASSWORD, STAFF_PASSWORD, STAFF_TOTP_SECRET
from accounts.models import IROContract, Role, User
from feedback.models import Category, Channel
from feedback.services import statement_mark_read, statement_submit
from reviews import statutory
from reviews.models import Child, Sex
from reviews.services import advocate_assign, child_admit, iro_allocate, review_record_held, review_schedule_next

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Harvey",
    "Isla",
    "Jayden",
    "Kai",
    "Lily",
    "Mason",
    "Nia",
    "Oscar",
    "Priya",
    "Quinn",
    "Ruby",
    "Sam",
    "Tia",
    "Umar",
    "Violet",
    "Will",
    "Xander",
    "Yasmin",
    "Zac",
    "Amelia",
    "Leo",
    "Maya",
    "Noah",
]
ETHNICITIES = ["WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MOTH", "AIND", "APKN", "BAFR", "BCRB", "OOTH", "REFU"]
LATE_REASONS = ["Child unwell on the day", "IRO unavailable; rebooked", "Placement move that week"]
STATEMENTS = [
    (Category.FAMILY_TIME, "I want to see my little brother more than once a month."),
    (Category.SCHOOL, "I like my new school but I need help with maths."),
    (Category.WHERE_I_LIVE, "I'm happy where I live. My carer makes good food."),
    (Category.NEXT_REVIEW, "Can my review be after school please, not in the morning?"),
    (Category.GOOD_NEWS, "I got into the football team!"),
    (Category.HEALTH, "I've been sleeping badly and I don't know who to tell."),
    (Category.SOMETHING_ELSE, "I'd like to choose my own clothes."),
    (Category.NEXT_REVIEW, "I want my nan to come to my meeting."),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent). Refuses to run unless HEARD_DEBUG=1 or --force."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo loads demo people with known passwords: set HEARD_DEBUG=1 or pass --force.")
        if User.objects.filter(username="manager").exists():
            self.stdout.write("Demo data is already loaded.")
            return
        with transaction.atomic():
            # A fixed seed keeps the demo the same on every machine; nothing here is secret.
            self._seed(random.Random(2026), timezone.localdate())  # noqa: S311
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Logins are in the README."))

    def _staff(self, username: str, email: str, role: str, **extra) -> User:
        user = User.objects.create_user(username=username, email=email, password=STAFF_PASSWORD, role=role, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if user.needs_mfa:
            TOTP.activate(user, STAFF_TOTP_SECRET)
        return user

    def _consultations(self, rng: random.Random, today: date) -> None:
        """Adults around each child, and the forms sent for reviews in the next two weeks."""
        from consultations.models import ChildContact, Invitation
        from consultations.services import forms_sync_from_files, invitations_due, response_submit

        forms_sync_from_files()
        for child in Child.objects.filter(left_care__isnull=True):
            number = int(child.case_reference[3:])
            ChildContact.objects.create(
                child=child, role="carer", name=f"Carer of {child.case_reference}", email=f"carer{number}@heard.example"
            )
            ChildContact.objects.create(
                child=child,
                role="professional",
                name="Social worker",
                relationship="social worker",
                email=f"sw{number}@heard.example",
            )
            if number % 3 == 0:
                ChildContact.objects.create(
                    child=child,
                    role="parent",
                    name=f"Parent of {child.case_reference}",
                    phone=f"+447700900{500 + number}",
                    channel="sms",
                )
            if number in (5, 12, 13, 14, 20):
                # Reviews next week, so the demo has forms to fill in and packs to read.
                review = review_schedule_next(child=child)
                if review is not None:
                    review.scheduled_for = statutory.add_working_days(today, 6)
                    review.save(update_fields=["scheduled_for"])
        invitations_due(today=today)
        carer = Invitation.objects.filter(review__child__case_reference="HRD0012", audience="carer").first()
        if carer is not None:
            response_submit(
                invitation=carer, answers={"progress": "Settled and doing well at school.", "attending": "yes"}
            )

    def _seed(self, rng: random.Random, today: date) -> None:
        manager = self._staff(
            "manager", "manager@heard.example", Role.MANAGER, first_name="Morgan", last_name="Hale", escalation_rank=1
        )
        # Managers edit consultation forms and the safeguarding phrase list in the admin.
        from django.contrib.auth.models import Permission

        manager.is_staff = True
        manager.save(update_fields=["is_staff"])
        manager.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["consultations", "feedback"],
                codename__in=[
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
                ],
            )
        )
        self._staff("deputy", "deputy@heard.example", Role.MANAGER, first_name="Dana", escalation_rank=2)
        self._staff("admin", "admin@heard.example", Role.ADMIN, is_staff=True, is_superuser=True, first_name="Ada")
        iros = [
            self._staff(
                "amara", "amara@heard.example", Role.IRO, iro_contract=IROContract.IN_HOUSE, first_name="Amara"
            ),
            self._staff("ben", "ben@heard.example", Role.IRO, iro_contract=IROContract.IN_HOUSE, first_name="Ben"),
            self._staff(
                "cleo",
                "cleo@heard.example",
                Role.IRO,
                iro_contract=IROContract.SESSIONAL,
                fte="0.50",
                first_name="Cleo",
            ),
        ]
        advocate = self._staff("advocate", "advocate@heard.example", Role.ADVOCATE, first_name="Riley")
        self._staff("cicc", "cicc@heard.example", Role.CICC, first_name="Jordan")

        for number in range(1, 31):
            age = 2 + (number - 1) % 16  # ages 2 to 17, spread evenly
            born = today - relativedelta(years=age, days=rng.randint(1, 360))
            looked_after = max(born + timedelta(days=30), today - timedelta(days=rng.randint(15, 1400)))
            if number == 30:
                looked_after = today - timedelta(days=2)  # newly in care: waiting for an IRO
            user = None
            if age >= 8:
                user = User.objects.create_user(username=f"child{number:02d}", password=CHILD_PASSWORD, role=Role.CHILD)
                if age >= 12:
                    # Ofcom's drama range: numbers that never reach a real phone.
                    user.phone = f"+447700900{number:03d}"
                    user.phone_verified = True
                    user.save(update_fields=["phone", "phone_verified"])
            child = child_admit(
                case_reference=f"HRD{number:04d}",
                known_as=FIRST_NAMES[number - 1],
                date_of_birth=born,
                sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                ethnicity=rng.choice(ETHNICITIES),
                became_looked_after=looked_after,
                uses_symbols=number in (5, 17),
                communication_needs="Uses Makaton symbols" if number in (5, 17) else "",
                placed_out_of_area=number % 7 == 0,
                placement_region="NW" if number % 7 == 0 else "",
                user=user,
            )
            if number == 30:
                continue  # shown on the manager's allocation page with suggested IROs
            allocated = statutory.add_working_days(looked_after, rng.choice([1, 2, 3, 4, 5, 7]))
            iro_allocate(child=child, iro=iros[number % 3], allocated_on=min(allocated, today))
            self._hold_past_reviews(child, rng, today)
            if number in (12, 13, 20, 25):
                advocate_assign(child=child, advocate=advocate, started_on=looked_after)
            if user is not None and number % 2 == 0:
                self._statements(child, user, iros[number % 3], rng)
            if number == 16 and user is not None:
                # An open safeguarding alert, so the inbox shows what one looks like.
                statement_submit(
                    author=user,
                    child=child,
                    category=Category.WHERE_I_LIVE,
                    body="I don't feel safe when my carer's friend stays over.",
                    channel=Channel.WEB,
                )

        self._consultations(rng, today)

    def _hold_past_reviews(self, child: Child, rng: random.Random, today: date) -> None:
        review = review_schedule_next(child=child)
        while review is not None and review.due_by < today + timedelta(days=20):
            late = rng.random() < 0.1
            held = (
                review.due_by + timedelta(days=rng.randint(1, 10))
                if late
                else review.due_by - timedelta(days=rng.randint(0, 10))
            )
            held = max(held, child.became_looked_after)
            if held > today:
                break
            attended = rng.random() < 0.6
            views = rng.choice(
                ["spoke", "spoke", "advocate_spoke", "symbols", ""]
                if attended
                else ["briefed_advocate", "facilitative", "facilitative", "not_conveyed"]
            )
            review_record_held(
                review=review,
                held_on=held,
                late_reason=rng.choice(LATE_REASONS) if late else "",
                attended=attended,
                views=views,
                met_alone=rng.random() < 0.7,
            )
            if child.user is not None:
                review.child_summary = (
                    "Thank you for telling me what you think. We agreed you stay where you are, "
                    "and family time with your brother goes up to every fortnight."
                )
                review.summary_published_at = timezone.now()
                review.save(update_fields=["child_summary", "summary_published_at"])
            review = review_schedule_next(child=child)
        if review is not None:
            # Booked up to a week before it is due, and never in the past.
            booked = review.due_by - timedelta(days=rng.randint(0, 7))
            review.scheduled_for = max(booked, min(review.due_by, today + timedelta(days=1)))
            review.save(update_fields=["scheduled_for"])

    def _statements(self, child: Child, user: User, iro: User, rng: random.Random) -> None:
        for _ in range(rng.randint(1, 3)):
            category, body = rng.choice(STATEMENTS)
            statement, _ = statement_submit(author=user, child=child, category=category, body=body, channel=Channel.WEB)
            if rng.random() < 0.5:
                statement_mark_read(statement=statement, reader=iro)
