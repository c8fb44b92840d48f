"""CI check of the Spark jobs: every module compiles, and every job keeps its entry point."""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    errors = []
    jobs = sorted((ROOT / "jobs").glob("*.py"))
    for path in jobs:
        try:
            compile(path.read_text(), str(path.relative_to(ROOT)), "exec")  # no .pyc left behind
        except SyntaxError as e:
            errors.append(f"{e.filename}:{e.lineno}: {e.msg}")
        if "def main(" not in path.read_text():
            errors.append(f"{path.relative_to(ROOT)}: no main()")
    for e in errors:
        print(e)
    print(f"compiled {len(jobs)} job(s): " + ("OK" if not errors else f"{len(errors)} problem(s)"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
