"""The statutory clock for complaints and representations by or for a looked-after child, in one place.

Sources:
- Children Act 1989 s.26(3): the council must have a procedure for considering representations,
  including complaints, made by a child it looks after, a parent, a person with parental
  responsibility, a local authority foster parent, or anyone else with sufficient interest.
- The Children Act 1989 Representations Procedure (England) Regulations 2006 (SI 2006/1738) and the
  DfE guidance "Getting the Best from Complaints" (2006), which set the timescales below in working
  days. A working day is as for reviews (reviews.statutory: not a weekend, Christmas Day, Good Friday
  or an England and Wales bank holiday); this module adds no calendar of its own.
"""

from datetime import date

from reviews.statutory import add_working_days, working_days_between

# Getting the Best from Complaints (2006), para 3.3.1: acknowledged within 2 working days.
ACKNOWLEDGE_WORKING_DAYS = 2
# SI 2006/1738 reg 14(2) and guidance para 3.4: stage 1 (local resolution) answered within 10 working
# days, which may be extended once, to at most 20 working days (reg 14(3)).
STAGE1_WORKING_DAYS = 10
STAGE1_EXTENDED_WORKING_DAYS = 20
# SI 2006/1738 reg 17(2) and guidance para 3.5: the stage 2 investigation (with an independent person,
# reg 17(1)) answered within 25 working days, extendable to at most 65 working days (reg 17(3)).
STAGE2_WORKING_DAYS = 25
STAGE2_EXTENDED_WORKING_DAYS = 65
# SI 2006/1738 reg 18(1) and guidance para 3.6: the complainant asks for stage 2 within 20 working days
# of the stage 1 answer; reg 19(1): for stage 3 within 20 working days of the stage 2 answer.
ESCALATE_WITHIN_WORKING_DAYS = 20
# SI 2006/1738 reg 19(3): the review panel is held within 30 working days of the request; reg 20(1):
# its findings within 5 working days of the panel; reg 21: the council's response within 15 working
# days of receiving them.
STAGE3_PANEL_WORKING_DAYS = 30
STAGE3_FINDINGS_WORKING_DAYS = 5
STAGE3_RESPONSE_WORKING_DAYS = 15


def acknowledgement_due(received_on: date) -> date:
    """Return the last day to acknowledge a complaint received on this day (2 working days)."""
    return add_working_days(received_on, ACKNOWLEDGE_WORKING_DAYS)


def stage1_due(received_on: date) -> date:
    """Return the last day for the stage 1 answer (10 working days from receipt)."""
    return add_working_days(received_on, STAGE1_WORKING_DAYS)


def stage1_extended_due(received_on: date) -> date:
    """Return the last day for a stage 1 answer once extended (20 working days from receipt)."""
    return add_working_days(received_on, STAGE1_EXTENDED_WORKING_DAYS)


def stage2_request_deadline(stage1_responded_on: date) -> date:
    """Return the last day the complainant may ask for stage 2 (20 working days after the stage 1 answer)."""
    return add_working_days(stage1_responded_on, ESCALATE_WITHIN_WORKING_DAYS)


def stage2_due(requested_on: date) -> date:
    """Return the last day for the stage 2 answer (25 working days from the request)."""
    return add_working_days(requested_on, STAGE2_WORKING_DAYS)


def stage2_extended_due(requested_on: date) -> date:
    """Return the last day for a stage 2 answer once extended (65 working days from the request)."""
    return add_working_days(requested_on, STAGE2_EXTENDED_WORKING_DAYS)


def stage3_request_deadline(stage2_responded_on: date) -> date:
    """Return the last day the complainant may ask for a review panel (20 working days after stage 2's answer)."""
    return add_working_days(stage2_responded_on, ESCALATE_WITHIN_WORKING_DAYS)


def stage3_panel_due(requested_on: date) -> date:
    """Return the last day the review panel may be held (30 working days from the request)."""
    return add_working_days(requested_on, STAGE3_PANEL_WORKING_DAYS)


def stage3_findings_due(panel_held_on: date) -> date:
    """Return the last day for the panel's findings (5 working days after it met)."""
    return add_working_days(panel_held_on, STAGE3_FINDINGS_WORKING_DAYS)


def stage3_response_due(findings_due_on: date) -> date:
    """Return the last day for the council's response (15 working days after the findings)."""
    return add_working_days(findings_due_on, STAGE3_RESPONSE_WORKING_DAYS)


def working_days_overdue(due: date, today: date) -> int:
    """Return how many working days past its due day something still not done is today (0 if not late)."""
    return working_days_between(due, today)
