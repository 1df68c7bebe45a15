"""Check a reviews.csv against the DfE's published review rules with csc-validator-be-903.

Runs in its own virtualenv (the validator pins an old pandas):
    .venv-903/bin/python reporting/dfe/validate_reviews.py path/to/reviews.csv
Prints a JSON object {rule: [row numbers that break it]} and exits 1 if any row breaks a rule.
"""

import json
import sys

import pandas as pd
from lac_validator.rules.lac2025_26 import registry

RULES = ["166", "167", "440", "441"]


def main(path: str) -> int:
    reviews = pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": pd.NA})
    failures = {}
    for code in RULES:
        result = registry[code].func({"Reviews": reviews.copy()})
        rows = result.get("Reviews", [])
        if rows:
            failures[code] = [int(row) + 2 for row in rows]  # +2: the header, and counting from 1
    sys.stdout.write(json.dumps({"rules": RULES, "rows": len(reviews), "failures": failures}) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
