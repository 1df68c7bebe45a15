"""The contents of the reports: plain headings, a sentence on what each report shows, and its order."""

from dataclasses import dataclass

# (heading, [(report name, its title, what it shows, what each row counts)]), in the order an IRO annual report
# uses. A report missing here (one added since) is listed under "Other reports", so none is ever hidden.
CONTENTS: list[tuple[str, list[tuple[str, str, str, str]]]] = [
    ("The IRO service", [
        ("caseloads", "How many children each IRO has now",
         "How many children each IRO has today, against the 50 to 70 the IRO Handbook advises.",
         "Children"),
    ]),
    ("Participation of children in their reviews", [
        ("participation", "How children took part in their reviews",
         "Whether children came to their reviews and gave their views, by the DfE's codes PN1 to PN7, each explained.",
         "Reviews"),
        ("participation-by-age", "How children took part, by age",
         "Whether children came to their reviews and gave their views, for each age group.", "Reviews"),
        ("participation-by-sex", "How children took part, by sex",
         "Whether children came to their reviews and gave their views, for girls and for boys.", "Reviews"),
        ("participation-by-ethnicity", "How children took part, by ethnic group",
         "Whether children came to their reviews and gave their views, for each ethnic group.", "Reviews"),
        ("participation-by-placement", "How children took part, by where they live",
         "Whether children came to their reviews and gave their views, living in or outside the council's area.",
         "Reviews"),
        ("participation-by-communication", "How children took part, by communication needs",
         "Whether children came to their reviews and gave their views, with or without communication needs.",
         "Reviews"),
    ]),
    ("Participation of parents", [
        ("parent-participation", "How parents took part",
         "Parents asked for their views before a review, and parents who took part.",
         "Parents"),
    ]),
    ("Timeliness of reviews and IRO allocation", [
        ("timeliness", "Reviews on time, and IROs given in time",
         "Reviews held on time and late, why they were late, and children given an IRO in time.",
         "Number"),
    ]),
    ("Consultation before reviews", [
        ("consultation-returns", "Forms sent back before reviews",
         "How many of the forms sent before reviews came back, by who was asked.",
         "Forms back"),
    ]),
    ("The IRO's activity between reviews", [
        ("iro-activity", "What IROs did between reviews",
         "Children seen, and seen on their own, before their reviews; visits and care plans "
         "updated after reviews.", "Number"),
    ]),
    ("Children's voice between reviews", [
        ("statements", "Messages children sent",
         "Messages children sent to their IRO, how they sent them and what about.", "Messages"),
        ("response-times", "How quickly children's messages were read",
         "How quickly IROs read and answered children's messages and safeguarding alerts.",
         "Messages"),
    ]),
    ("Dispute resolution", [
        ("practice-alerts", "Concerns IROs raised about children's plans",
         "Concerns IROs formally raised about children's plans, and how far each has gone.",
         "Alerts"),
    ]),
    ("Complaints and representations", [
        ("complaints", "Complaints and representations",
         "Complaints about children's care (Children Act 1989 s.26) and how quickly each stage "
         "was answered.", "Number"),
    ]),
    ("How children are doing", [
        ("wellbeing", "How children are doing: wellbeing indicators",
         "Children's answers to the wellbeing questions in their forms, by domain, with the ONS questions' "
         "averages, the year before, and breakdowns by age, sex, ethnicity and placement where they are big enough.",
         "Doing well"),
    ]),
    ("Service-user feedback", [
        ("service-feedback", "What people said about reviews",
         "Whether children, parents, carers and professionals felt listened to at reviews.",
         "Said yes"),
        ("service-feedback-by-iro", "What people said about reviews, by IRO",
         "Whether people felt listened to at reviews, for each IRO's reviews.", "Said yes"),
    ]),
]  # fmt: skip

OTHER_HEADING = "Other reports"


@dataclass(frozen=True)
class Entry:
    """One report in the contents."""

    name: str
    title: str
    heading: str
    summary: str
    count_heading: str


def _untitled(name: str) -> Entry:
    title = name.replace("-", " ").capitalize()
    return Entry(name, title, OTHER_HEADING, f"{title}, for the period chosen.", "Number")


def contents_for(names: list[str]) -> list[tuple[str, list[Entry]]]:
    """The headings with the user's reports under them, in contents order; empty headings left out."""
    listed = {entry[0] for _, entries in CONTENTS for entry in entries}
    sections = [
        (heading, [Entry(name, title, heading, summary, count) for name, title, summary, count in entries
                   if name in names])
        for heading, entries in CONTENTS
    ]  # fmt: skip
    others = [_untitled(name) for name in names if name not in listed]
    sections.append((OTHER_HEADING, others))
    return [(heading, entries) for heading, entries in sections if entries]


def in_order(names: list[str]) -> list[Entry]:
    """The user's reports in contents order, for the previous and next links."""
    return [entry for _, entries in contents_for(names) for entry in entries]
