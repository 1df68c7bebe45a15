"""Consultation forms as versioned data, invitations before each review, and the answers given."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultations.schema import schema_for_age


class Audience(models.TextChoices):
    CHILD_4_7 = "child_4_7", "Child aged 4 to 7"
    CHILD_8_11 = "child_8_11", "Child aged 8 to 11"
    YOUNG_12_15 = "young_12_15", "Young person aged 12 to 15"
    YOUNG_16_PLUS = "young_16_plus", "Young person aged 16 and over"
    SYMBOLS = "symbols", "Child using symbols"
    CARER = "carer", "Carer"
    PARENT = "parent", "Parent"
    PROFESSIONAL = "professional", "Professional"


CHILD_AUDIENCES = frozenset(
    {Audience.CHILD_4_7, Audience.CHILD_8_11, Audience.YOUNG_12_15, Audience.YOUNG_16_PLUS, Audience.SYMBOLS}
)
# The forms a young person may answer by text (they reply FORM): younger children answer with an
# adult or online, where a form can show pictures.
SMS_AUDIENCES = frozenset({Audience.YOUNG_12_15, Audience.YOUNG_16_PLUS})
# The forms shown one question a screen, picture-led and read aloud: the youngest children's, and
# the symbols form. The others stay one scrolling page.
ONE_A_SCREEN_AUDIENCES = frozenset({Audience.CHILD_4_7, Audience.SYMBOLS})


class FormTemplate(models.Model):
    """One consultation form (e.g. "young person 12-15"); its questions live in versions."""

    slug = models.SlugField(unique=True)
    audience = models.CharField(max_length=16, choices=Audience.choices, unique=True)
    title = models.CharField(max_length=120)

    def __str__(self) -> str:
        return self.title

    def latest_published(self) -> "FormTemplateVersion | None":
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


class FormTemplateVersion(models.Model):
    """The questions of a form at one version; published versions never change."""

    template = models.ForeignKey(FormTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    schema = models.JSONField()
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="consultations_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def questions(self) -> list[dict]:
        return self.schema.get("questions", [])


class FormOverride(models.Model):
    """An IRO's choice of form for one child, instead of the one chosen by age."""

    child = models.OneToOneField("reviews.Child", on_delete=models.CASCADE, related_name="form_override")
    template = models.ForeignKey(FormTemplate, on_delete=models.PROTECT, related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.child}: {self.template}"


class ContactRole(models.TextChoices):
    CARER = "carer", "Carer"
    PARENT = "parent", "Parent"
    PROFESSIONAL = "professional", "Professional"


class ContactChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class ChildContact(models.Model):
    """An adult around the child who is consulted before reviews: carer, parent or professional."""

    child = models.ForeignKey("reviews.Child", on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=16, choices=ContactRole.choices)
    name = models.CharField(max_length=120)
    # e.g. "social worker", "school (designated teacher)", "health visitor"
    relationship = models.CharField(max_length=80, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=20, blank=True, default="")
    channel = models.CharField(max_length=8, choices=ContactChannel.choices, default=ContactChannel.EMAIL)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["child", "role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(channel="email") & ~Q(email="")) | (Q(channel="sms") & ~Q(phone="")),
                name="consultations_contact_reachable_by_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.child}"


class InvitationChannel(models.TextChoices):
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    APP = "app", "Shown in the app"
    IN_PERSON = "in_person", "Filled in with an adult"


class Invitation(models.Model):
    """An invitation to answer a form before one review, for the child or one adult around them."""

    # PROTECT: deleting a review must never take the invitations, and the answers given to them, with it.
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="invitations")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    contact = models.ForeignKey(ChildContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.ForeignKey(FormTemplateVersion, on_delete=models.PROTECT, related_name="invitations")
    channel = models.CharField(max_length=10, choices=InvitationChannel.choices)
    # Only a hash of the link's token is kept: the database alone cannot open anyone's form.
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "audience"]
        constraints = [
            # One invitation for the child, and one for each contact, per review.
            models.UniqueConstraint(
                fields=["review"], condition=Q(contact__isnull=True), name="consultations_one_child_invitation"
            ),
            models.UniqueConstraint(
                fields=["review", "contact"], condition=Q(contact__isnull=False), name="consultations_one_per_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} for {self.review}"

    @property
    def is_for_child(self) -> bool:
        return self.contact_id is None

    @property
    def answerer_age(self) -> int | None:
        """The child's age on the review date, which decides the questions they are asked; None for an adult."""
        if self.contact_id is not None:
            return None
        return self.review.child.age_on(self.review.date)

    @property
    def asked_schema(self) -> dict:
        """The form as this invitation asks it: every channel shows, and checks answers against, this one."""
        return schema_for_age(self.version.schema, self.answerer_age)


class EntryMode(models.TextChoices):
    OWN_WORDS = "own_words", "The child's own words"
    HELPED = "helped", "The child's words, helped by an adult"
    ADULT_ACCOUNT = "adult_account", "An adult's account of the child's views"


class Response(models.Model):
    """The answers to one invitation: a draft until submitted, then fixed."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    # The version the answers were given on, kept even if the form changes later.
    version = models.ForeignKey(FormTemplateVersion, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry_mode = models.CharField(max_length=16, choices=EntryMode.choices, default=EntryMode.OWN_WORDS)
    consent_given = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(entry_mode="own_words") | Q(consent_given=True),
                name="consultations_on_behalf_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return f"Response to {self.invitation}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
