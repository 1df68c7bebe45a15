"""The council's wellbeing indicators: each one for a period, with its base, the year before, and by group.

Each child counts once: their latest own consultation form sent in the period. The database scores the
answers (the form files' wellbeing markers become CASE expressions, one per form version that asks the
question) and counts them for every combination of age band, sex, ethnic group and placement (at most
a hundred or so rows); each breakdown is then the sum of its combinations.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.db.models.lookups import In, Range

from consultations.models import CHILD_AUDIENCES, FormTemplateVersion, Response
from consultations.wellbeing import DOMAINS, INDICATORS, Indicator
from reporting.disclosure import Cell, protect
from reporting.models import WellbeingBenchmark
from reporting.national import national_figures
from reporting.periods import Period
from reporting.tables import Row, Table

CHILD = "invitation__review__child__"
# ONS's thresholds for the four personal well-being questions, as it publishes them.
ONS_BANDS = [("low", 0, 4), ("medium", 5, 6), ("high", 7, 8), ("very high", 9, 10)]
ONS_ANXIETY_BANDS = [("very low", 0, 1), ("low", 2, 3), ("medium", 4, 5), ("high", 6, 10)]
# For a 0-10 scale, the share doing well: high or very high (7-10); for anxiety, very low or low (0-3),
# the two bands at the good end (counted() adds them up).
SCALE_POSITIVE = (7, 10)
ANXIETY_POSITIVE = (0, 3)
# The ONS questions are asked of children aged 11 and over (from_age in the form files): their figures
# say so, and an age band's (8 to 11) are its 11-year-olds'.
ONS_BANDS_GROUP = "ONS bands, all children aged 11 and over"
ALL_CHILDREN = "All children"
# The groups of the participation reports (reporting/reports.py), which registers this report and so
# cannot be imported from here (the reporting package has no import cycles).
AGE_BANDS = [("4 to 7", 4, 7), ("8 to 11", 8, 11), ("12 to 15", 12, 15), ("16 and over", 16, 200)]
ETHNIC_GROUPS = {"W": "White", "M": "Mixed", "A": "Asian or Asian British", "B": "Black or Black British", "O": "Other"}
DIMENSION_NAMES = {"age": "Age", "sex": "Sex", "ethnicity": "Ethnicity", "placement": "Placement"}


def dimensions() -> list[tuple[str, list[str]]]:
    """Each breakdown and its groups, in the order the other reports give them."""
    return [
        ("age", [label for label, _, _ in AGE_BANDS]),
        ("sex", ["Female", "Male"]),
        ("ethnicity", [*ETHNIC_GROUPS.values(), "Not given"]),
        ("placement", ["Placed in area", "Placed out of area"]),
    ]


class AgeOn(Func):
    """Whole years from a date of birth (the second date) to a day (the first): one less before the birthday."""

    template = "date_part('year', age(%(expressions)s))::int"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # The days as YYYYMMDD numbers: their difference, in whole ten-thousands, is the age in years.
        day, born = (compiler.compile(expression) for expression in self.get_source_expressions())
        number = "CAST(strftime('%%Y%%m%%d', {}) AS INTEGER)"
        return f"(({number.format(day[0])} - {number.format(born[0])}) / 10000)", [*day[1], *born[1]]


def bands_for(indicator: Indicator) -> list[tuple[str, int, int]]:
    return ONS_BANDS if indicator.higher_is_better else ONS_ANXIETY_BANDS


def positive_range(indicator: Indicator) -> tuple[int, int]:
    return SCALE_POSITIVE if indicator.higher_is_better else ANXIETY_POSITIVE


@dataclass
class Counted:
    """One indicator in one group: children who answered, the sum of their scores, and each ONS band."""

    answered: int = 0
    positive: int = 0
    total: int = 0
    bands: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add(self, other: "Counted") -> None:
        self.answered += other.answered
        self.positive += other.positive
        self.total += other.total
        self.bands = [a + b for a, b in zip(self.bands, other.bands, strict=True)]

    @property
    def mean(self) -> float | None:
        if not self.answered:
            return None
        return float((Decimal(self.total) / Decimal(self.answered)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass
class IndicatorRow(Row):
    """A report row for one indicator, with its mean when it is a 0-10 scale."""

    indicator: str = ""
    domain: str = ""
    mean: float | None = None
    previous_mean: float | None = None


def _markers() -> dict[str, dict[tuple, list[int]]]:
    """For each indicator, the form versions asking it, grouped by (question id, positive, not counted)."""
    found: dict[str, dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    versions = FormTemplateVersion.objects.filter(template__audience__in=CHILD_AUDIENCES).values_list("pk", "schema")
    for version_id, schema in versions:
        seen = set()
        for question in schema.get("questions", []):
            marker = question.get("wellbeing")
            # The first question marked for an indicator counts, as wellbeing_scores does.
            if not marker or marker.get("indicator") not in INDICATORS or marker["indicator"] in seen:
                continue
            seen.add(marker["indicator"])
            key = (question["id"], tuple(marker.get("positive", [])), tuple(marker.get("not_counted", [])))
            found[marker["indicator"]][key].append(version_id)
    return found


SCALE_VALUES = [str(point) for point in range(11)]


def _score(indicator: Indicator, asked: dict[tuple, list[int]]):
    """An expression for a child's score on the indicator (1/0, or 0-10), null when not answered or not counted."""
    branches = []
    for (qid, positive, not_counted), version_ids in sorted(asked.items()):
        answer = KeyTextTransform(qid, "answers")
        if indicator.scale:
            scored = Case(When(In(answer, SCALE_VALUES), then=Cast(answer, IntegerField())), default=None)
        else:
            scored = Case(
                When(In(answer, list(positive)), then=Value(1)),
                When(In(answer, [*not_counted, ""]), then=None),
                When(Q(answers__has_key=qid), then=Value(0)),
                default=None,
                output_field=IntegerField(),
            )
        branches.append(When(version_id__in=version_ids, then=scored))
    if not branches:  # no form asks it: a typed null, which PostgreSQL can sum
        return Cast(Value(None), IntegerField())
    return Case(*branches, default=None, output_field=IntegerField())


def _group_expressions(responses: QuerySet[Response]) -> QuerySet[Response]:
    """Annotate each answer with its child's age band (on the day they sent it), sex, ethnic group and placement."""
    text: CharField = CharField()
    return responses.annotate(age=AgeOn(TruncDate("submitted_at"), F(f"{CHILD}date_of_birth"))).annotate(
        age_group=Case(
            *[When(age__gte=low, age__lte=high, then=Value(label)) for label, low, high in AGE_BANDS],
            default=Value("under 4"),
            output_field=text,
        ),
        sex_group=Case(When(**{f"{CHILD}sex": "1"}, then=Value("Male")), default=Value("Female"), output_field=text),
        ethnicity_group=Case(
            When(**{f"{CHILD}ethnicity__in": ["REFU", "NOBT"]}, then=Value("Not given")),
            *[When(**{f"{CHILD}ethnicity__startswith": k}, then=Value(name)) for k, name in ETHNIC_GROUPS.items()],
            default=Value("Not given"),
            output_field=text,
        ),
        placement_group=Case(
            When(**{f"{CHILD}placed_out_of_area": True}, then=Value("Placed out of area")),
            default=Value("Placed in area"),
            output_field=text,
        ),
    )


def latest_answers(period: Period, scope: QuerySet | None = None) -> QuerySet[Response]:
    """Each child's latest own form sent in the period (one per child): those with no later one in the period."""
    first, after = period.moments()
    in_period = Response.objects.filter(
        invitation__contact__isnull=True, submitted_at__gte=first, submitted_at__lt=after
    )
    sent = in_period if scope is None else in_period.filter(invitation__review__child__in=scope)
    # An anti-join (hash joins throughout) rather than a window: the planner cannot foresee how many rows a
    # window's first-per-child keeps, and joined them back one by one. The later form is the same child's,
    # so it is not scoped again: that join cost the database a lookup for each of the child's reviews.
    later = in_period.filter(invitation__review__child_id=OuterRef(f"{CHILD}id")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at")) | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )
    return sent.filter(~Exists(later))


def counted(
    period: Period, scope: QuerySet | None = None, markers: dict | None = None
) -> dict[tuple[str, str], dict[str, Counted]]:
    """Each indicator in each group: ("all", "All children") and (dimension, group). One query (two without markers)."""
    return counted_each([period], scope, markers)[0]


def counted_each(
    periods: list[Period], scope: QuerySet | None = None, markers: dict | None = None
) -> list[dict[tuple[str, str], dict[str, Counted]]]:
    """counted() for each period: the query built once and run with each period's bounds.

    Building and compiling the query (a CASE for each form version asking each indicator) costs Python more
    than the database takes to run it, so a second period reuses the SQL with only its two moments changed.
    """
    markers = _markers() if markers is None else markers
    aggregates: dict[str, Aggregate] = {}
    for slug, indicator in INDICATORS.items():
        score = _score(indicator, markers.get(slug, {}))
        aggregates[f"{slug}_total"] = Sum(score)
        if indicator.scale:
            # The bands cover 0-10, so they also give the children who answered and those doing well.
            for i, (_, low, high) in enumerate(bands_for(indicator)):
                aggregates[f"{slug}_band{i}"] = Count(Case(When(Range(score, (low, high)), then=Value(1))))
        else:
            aggregates[f"{slug}_answered"] = Count(score)
    keys = ["age_group", "sex_group", "ethnicity_group", "placement_group"]
    rows = _group_expressions(latest_answers(periods[0], scope)).values(*keys).annotate(**aggregates).order_by()
    connection = connections[rows.db]
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    sent_at = Response._meta.get_field("submitted_at")
    bounds = [sent_at.get_db_prep_value(moment, connection) for moment in periods[0].moments()]
    # The period's two moments, each in the query and in its anti-join.
    if [sum(1 for param in params if param == bound) for bound in bounds] != [2, 2]:
        raise AssertionError("The wellbeing query's period bounds are not where counted_each expects them.")
    found = []
    for period in periods:
        moments = [sent_at.get_db_prep_value(moment, connection) for moment in period.moments()]
        chosen = [moments[bounds.index(param)] if param in bounds else param for param in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, chosen)
            names = [column[0] for column in cursor.description]
            found.append(_by_group([dict(zip(names, row, strict=True)) for row in cursor.fetchall()], keys))
    return found


def _by_group(rows: list[dict], keys: list[str]) -> dict[tuple[str, str], dict[str, Counted]]:
    """Each indicator in each group, from the query's rows (one a combination of the groups)."""
    result: dict[tuple[str, str], dict[str, Counted]] = defaultdict(lambda: defaultdict(Counted))
    for row in rows:
        for slug, indicator in INDICATORS.items():
            total = row[f"{slug}_total"] or 0
            if indicator.scale:
                bands = [row[f"{slug}_band{i}"] for i in range(4)]
                # Doing well: the top two bands (7-10), or for anxiety the bottom two (0-3).
                well = bands[2] + bands[3] if indicator.higher_is_better else bands[0] + bands[1]
                cell = Counted(answered=sum(bands), positive=well, total=total, bands=bands)
            else:
                cell = Counted(answered=row[f"{slug}_answered"], positive=total, total=total)
            result[("all", ALL_CHILDREN)][slug].add(cell)
            for (dimension, _), key in zip(dimensions(), keys, strict=True):
                result[(dimension, row[key])][slug].add(cell)
    return result


def shown_groups(figures: dict[tuple[str, str], dict[str, Counted]], dimension: str, groups: list[str], slug: str):
    """The groups of one breakdown whose figure for the indicator may be shown (the CiCC themes' rules)."""
    cells = [
        Cell(theme=group, count=n, children=n)
        for group in groups
        if (n := figures.get((dimension, group), {}).get(slug, Counted()).answered)
    ]
    visible, _ = protect(cells)
    return {cell.theme for cell in visible if not cell.suppressed}


def _label(indicator: Indicator) -> str:
    if not indicator.scale:
        return indicator.label
    low, high = positive_range(indicator)
    names = "very low or low" if not indicator.higher_is_better else "high or very high"
    return f"{indicator.label}: {names} ({low} to {high})"


def _row(indicator: Indicator, group: str, now: Counted, before: Counted | None) -> IndicatorRow:
    return IndicatorRow(
        _label(indicator), now.positive, now.answered,
        before.positive if before else None, before.answered if before else None, group=group,
        indicator=indicator.slug, domain=indicator.domain, mean=now.mean if indicator.scale else None,
        previous_mean=before.mean if before and indicator.scale else None,
    )  # fmt: skip


def wellbeing(period: Period, previous: Period, scope: QuerySet | None = None) -> Table:
    """The wellbeing indicators, by domain, for all children and by age band, sex, ethnic group and placement."""
    table = Table(
        "wellbeing",
        "Wellbeing indicators",
        "Children who answered the question in their latest consultation form sent in the period",
    )
    now, before = counted_each([period, previous], scope)
    ordered = sorted(INDICATORS.values(), key=lambda i: DOMAINS.index(i.domain))
    overall, overall_before = now[("all", ALL_CHILDREN)], before[("all", ALL_CHILDREN)]
    for indicator in ordered:
        table.rows.append(_row(indicator, ALL_CHILDREN, overall[indicator.slug], overall_before[indicator.slug]))
        if indicator.scale:
            for i, (name, low, high) in enumerate(bands_for(indicator)):
                cell, cell_before = overall[indicator.slug], overall_before[indicator.slug]
                table.rows.append(
                    IndicatorRow(
                        f"{indicator.label}: {name} ({low} to {high})", cell.bands[i], cell.answered,
                        cell_before.bands[i], cell_before.answered, group=ONS_BANDS_GROUP,
                        indicator=indicator.slug, domain=indicator.domain,
                    )
                )  # fmt: skip
    for dimension, groups in dimensions():
        shown = {slug: shown_groups(now, dimension, groups, slug) for slug in INDICATORS}
        shown_before = {slug: shown_groups(before, dimension, groups, slug) for slug in INDICATORS}
        for group in groups:
            label = f"{DIMENSION_NAMES[dimension]}: {group}"
            for indicator in ordered:
                if group not in shown[indicator.slug]:
                    continue
                earlier = before[(dimension, group)][indicator.slug] if group in shown_before[indicator.slug] else None
                table.rows.append(_row(indicator, label, now[(dimension, group)][indicator.slug], earlier))
    _compare_with_benchmarks(table, period, previous)
    means = [
        f"{indicator.label.split(' (')[0]} {_mean_text(overall[slug].mean)} "
        f"(the period before: {_mean_text(overall_before[slug].mean)})"
        for slug, indicator in ((i.slug, i) for i in ordered)
        if indicator.scale
    ]
    table.notes += [
        "Each child counts once, by their latest own consultation form sent in the period; answers like "
        '"not sure" leave the child out of that indicator\'s base. The period before is counted the same way.',
        "The ONS questions (0 to 10) are asked of children aged 11 and over (their age on the review date), so "
        "their figures are for those children only, and in the 8 to 11 age band for its 11-year-olds. Doing well "
        "is 7 to 10 (anxiety: 0 to 3); the bands are "
        "ONS's thresholds (low 0-4, medium 5-6, high 7-8, very high 9-10; anxiety very low 0-1, low 2-3, "
        "medium 4-5, high 6-10).",
        "Mean scores out of 10, all children aged 11 and over: " + "; ".join(means) + ".",
        "Breakdowns: a group where fewer than 10 children answered is not shown, and when it is the only one "
        "hidden the next smallest is hidden too, so it cannot be worked out from the total (the CiCC's rules). "
        "The ONS bands are given for all children aged 11 and over only, not by group.",
    ]
    table.notes.append(_national_note())
    return table


def _national_note() -> str:
    """The published ONS figures beside the council's, or why there are none."""
    source, figures = national_figures()
    if not figures:
        return (
            "No national (ONS) figures are loaded for comparison: none could yet be cited from a published ONS "
            "table (reporting/data/ons_personal_wellbeing.json; docs/wellbeing-benchmark.md)."
        )
    means = "; ".join(
        f"{INDICATORS[slug].label}: mean {item['mean']:.2f}" for slug, item in figures.items() if "mean" in item
    )
    return f"National figures ({source}), adults 16 and over: {means}."


def _mean_text(mean: float | None) -> str:
    return "-" if mean is None else f"{mean:.2f}"


def _compare_with_benchmarks(table: Table, period: Period, previous: Period) -> None:
    """Other councils' files for the same period, beside the council's own figures (suppressed ones left out)."""
    files = WellbeingBenchmark.objects.filter(period_start=period.start, period_end=period.end).order_by("source_name")
    earlier = {
        file.source_name: file
        for file in WellbeingBenchmark.objects.filter(
            period_start=previous.start, period_end=previous.end, source_name__in=[f.source_name for f in files]
        )
    }
    for file in files:
        before = (
            {item["indicator"]: item for item in earlier[file.source_name].indicators}
            if file.source_name in earlier
            else {}
        )
        for item in file.indicators:
            indicator = INDICATORS.get(item["indicator"])
            if indicator is None or item.get("suppressed"):
                continue
            old = before.get(indicator.slug)
            old = None if old is None or old.get("suppressed") else old
            table.rows.append(
                IndicatorRow(
                    _label(indicator), item["positive"], item["base"], old["positive"] if old else None,
                    old["base"] if old else None, group=f"Another council: {file.source_name}",
                    indicator=indicator.slug, domain=indicator.domain, mean=item.get("mean"),
                    previous_mean=old.get("mean") if old else None,
                )
            )  # fmt: skip
    if files:
        table.notes.append(
            "Other councils' figures are from the benchmark files they shared (import_wellbeing_benchmark)."
        )
