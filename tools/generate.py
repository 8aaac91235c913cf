"""Regenerate ``generated/wechatpay_payscore`` from the contract, or check that it is up to date.

The generator writes into a temporary folder; the committed package is replaced only when the spec validates and
generation succeeds, so a broken spec fails loudly and leaves ``generated/`` untouched.

    python tools/generate.py           # regenerate
    python tools/generate.py --check   # exit 1 when generated/ differs from what the spec produces

The generator runs with the custom templates of ``openapi/templates/`` (``--custom-template-path``): copies of a few
of openapi-python-client's own templates, changed where marked ``wechatpay-payscore``, so that models refuse what the
contract refuses and API functions refuse arguments they cannot send. They were derived from one generator version
(``TEMPLATES_FOR``); generation stops when another version is installed, so an upgrade re-derives them on purpose.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "payscore-acquiringbank.yaml"
CONFIG = ROOT / "openapi" / "generator-config.yaml"
TEMPLATES = ROOT / "openapi" / "templates"
# The openapi-python-client release whose templates openapi/templates/ copies and changes.
TEMPLATES_FOR = "0.29.1"
PACKAGE = "wechatpay_payscore"
TARGET = ROOT / "generated" / PACKAGE
# --meta none skips the PEP 561 marker; the package is typed, so it is added here, deterministically.
PY_TYPED = "# Marker file for PEP 561"


class GenerationError(RuntimeError):
    """The spec is invalid or the generator failed; the message says why."""


def _tool_env() -> dict[str, str]:
    # The generator's post-hooks call a bare `ruff`: the pinned one beside this interpreter must come first.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def validate_spec(spec: Path) -> None:
    """Validate the contract with openapi-spec-validator before anything is generated."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    try:
        document, _ = read_from_filename(str(spec))
        validate(document)
    except Exception as exc:  # reader and validator raise several unrelated types; all mean "invalid spec"
        raise GenerationError(f"{spec} is not a valid OpenAPI document:\n{exc}") from exc


def check_generator_version() -> None:
    """The custom templates are changed copies of one release's templates: refuse to mix them with another."""
    from importlib.metadata import version

    installed = version("openapi-python-client")
    if installed != TEMPLATES_FOR:
        raise GenerationError(
            f"openapi-python-client {installed} is installed, but openapi/templates/ was derived from "
            f"{TEMPLATES_FOR}: re-derive the templates from the new release, then update TEMPLATES_FOR"
        )


def generate_into(workdir: Path, spec: Path, templates: Path = TEMPLATES) -> Path:
    """Run openapi-python-client into ``workdir`` and return the generated package folder."""
    check_generator_version()
    if not templates.is_dir():
        raise GenerationError(f"{templates} (the custom templates) is missing")
    out = workdir / PACKAGE
    cmd = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(spec),
        "--config", str(CONFIG),
        "--custom-template-path", str(templates),
        "--meta", "none",
        "--fail-on-warning",
        "--output-path", str(out),
    ]  # fmt: skip
    result = subprocess.run(cmd, cwd=workdir, env=_tool_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (out / "__init__.py").is_file():
        raise GenerationError(f"openapi-python-client failed:\n{result.stdout}{result.stderr}")
    (out / "py.typed").write_text(PY_TYPED, encoding="utf-8")
    for cache in out.rglob("__pycache__"):
        shutil.rmtree(cache)
    return out


def _differences(left: Path, right: Path) -> list[str]:
    """Paths (relative to ``left``) that differ, or exist on one side only."""
    diffs: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        for name in cmp.left_only + cmp.right_only + cmp.funny_files:
            diffs.append(prefix + name)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        diffs.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, prefix + name + "/")

    walk(filecmp.dircmp(left, right, ignore=["__pycache__"]), "")
    return sorted(diffs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare generated/ with a fresh generation")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the contract (default: %(default)s)")
    parser.add_argument("--target", type=Path, default=TARGET, help="the package folder (default: %(default)s)")
    parser.add_argument("--templates", type=Path, default=TEMPLATES, help="the custom templates (default: %(default)s)")
    args = parser.parse_args(argv)
    spec: Path = args.spec.resolve()
    target: Path = args.target.resolve()
    try:
        validate_spec(spec)
        with tempfile.TemporaryDirectory(prefix="wechatpay-generate-") as tmp:
            fresh = generate_into(Path(tmp), spec, args.templates.resolve())
            if args.check:
                if not target.is_dir():
                    print(f"{target} is missing: run `make generate`", file=sys.stderr)
                    return 1
                diffs = _differences(fresh, target)
                if diffs:
                    print("generated/ differs from what the spec produces (run `make generate`):", file=sys.stderr)
                    for path in diffs:
                        print(f"  {PACKAGE}/{path}", file=sys.stderr)
                    return 1
                print(f"{target} matches {spec.name}")
                return 0
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = target.parent / f".{target.name}.old"
            shutil.rmtree(staging, ignore_errors=True)
            if target.exists():
                target.rename(staging)
            shutil.move(str(fresh), str(target))
            shutil.rmtree(staging, ignore_errors=True)
    except GenerationError as exc:
        print(f"make generate: {exc}", file=sys.stderr)
        return 1
    print(f"regenerated {target} from {spec.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
