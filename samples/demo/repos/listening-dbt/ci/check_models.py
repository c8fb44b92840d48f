"""Static checks of the dbt project, run in CI and by Shepherd's agent after a rewrite.

Without a warehouse connection this checks what can go wrong in a text edit:
  - every model's Jinja blocks are balanced;
  - every source('<source>', '<table>') a model reads is declared in models/sources.yml;
  - every ref('<model>') names a model of the project;
  - every model documented in models/schema.yml exists.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


def declared_sources(text):
    """(source, table) pairs of a dbt sources.yml, read by indentation (no YAML library needed)."""
    pairs, source, in_tables, tables_indent = set(), None, False, None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        m = re.match(r"-\s+name:\s*['\"]?([\w.]+)", stripped)
        if indent == 2 and m:
            source, in_tables = m.group(1), False
        elif stripped.startswith("tables:"):
            in_tables, tables_indent = True, indent
        elif in_tables and m and indent == tables_indent + 2:
            pairs.add((source, m.group(1)))
        elif in_tables and indent <= tables_indent and not stripped.startswith("-"):
            in_tables = False
    return pairs


def main():
    errors = []
    sources = declared_sources((MODELS / "sources.yml").read_text())
    models = {p.stem: p for p in MODELS.rglob("*.sql")}
    for name, path in sorted(models.items()):
        sql = path.read_text()
        rel = path.relative_to(ROOT)
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            if sql.count(opener) != sql.count(closer):
                errors.append(f"{rel}: unbalanced {opener} {closer}")
        if sql.count("(") != sql.count(")"):
            errors.append(f"{rel}: unbalanced parentheses")
        for src, table in re.findall(r"source\(\s*'(\w+)'\s*,\s*'(\w+)'\s*\)", sql):
            if (src, table) not in sources:
                errors.append(f"{rel}: source('{src}', '{table}') is not declared in models/sources.yml")
        for ref in re.findall(r"ref\(\s*'(\w+)'\s*\)", sql):
            if ref not in models:
                errors.append(f"{rel}: ref('{ref}') names no model")
    schema = (MODELS / "schema.yml").read_text()
    for name in re.findall(r"^  - name:\s*(\w+)", schema, re.M):
        if name not in models:
            errors.append(f"models/schema.yml: model {name} does not exist")
    for e in errors:
        print(e)
    print(f"checked {len(models)} model(s), {len(sources)} source table(s): "
          + ("OK" if not errors else f"{len(errors)} problem(s)"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
