"""Check the contract: openapi-spec-validator, then Redocly CLI's `recommended` rules with zero errors and warnings.

python tools/lint_spec.py [SPEC]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "openapi"
DEFAULT_SPEC = OPENAPI / "payscore-acquiringbank.yaml"


def validate(spec: Path) -> list[str]:
    """Problems openapi-spec-validator finds (OpenAPI 3.1 structure and JSON Schema dialect)."""
    from openapi_spec_validator import validate as validate_spec
    from openapi_spec_validator.readers import read_from_filename

    document, _ = read_from_filename(str(spec))
    try:
        validate_spec(document)
    except Exception as exc:  # the validator raises several unrelated types; all mean "invalid spec"
        return [f"openapi-spec-validator: {exc}"]
    return []


def redocly(spec: Path) -> list[str]:
    """Problems the pinned Redocly CLI reports, warnings included (a warning fails the check too)."""
    binary = OPENAPI / "node_modules" / ".bin" / "redocly"
    if not binary.exists():
        return [f"{binary.relative_to(ROOT)} is missing: run `npm ci` in openapi/ (make does)"]
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    result = subprocess.run(
        [str(binary), "lint", str(spec), "--format=json", "--config", str(OPENAPI / "redocly.yaml")],
        cwd=OPENAPI,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [f"redocly lint failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"]
    problems = []
    for problem in report.get("problems", []):
        where = ", ".join(loc.get("pointer", "") for loc in problem.get("location", []))
        rule = f"[{problem.get('ruleId')}]"
        problems.append(f"redocly {problem.get('severity')} {rule} {problem.get('message')} at {where}")
    totals = report.get("totals", {})
    if not problems and (totals.get("errors") or totals.get("warnings")):
        problems.append(f"redocly totals: {totals}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spec = Path(args[0]).resolve() if args else DEFAULT_SPEC
    problems = validate(spec) or redocly(spec)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{spec.name}: valid OpenAPI 3.1; Redocly recommended rules: 0 errors, 0 warnings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
