"""Lints the SQL that the service sends over JDBC, without a database or a JDK.

For every Java string constant that looks like SQL (concatenated literals are joined first):
  - quotes and parentheses are balanced;
  - it reads only tables the service is allowed to read (tools/allowed_tables.txt);
  - placeholders are JDBC '?' markers, never string formatting.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONSTANT = re.compile(r'static final String (\w+)\s*=\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+);', re.S)
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([\w.]+)", re.I)


def allowed_tables():
    lines = (ROOT / "tools" / "allowed_tables.txt").read_text().splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def main():
    allowed, errors, checked = allowed_tables(), [], 0
    for path in sorted((ROOT / "src").rglob("*.java")):
        rel = path.relative_to(ROOT)
        text = path.read_text()
        if text.count("{") != text.count("}"):
            errors.append(f"{rel}: unbalanced braces")
        for name, body in CONSTANT.findall(text):
            sql = "".join(LITERAL.findall(body))
            if not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", sql, re.I):
                continue
            checked += 1
            if sql.count("(") != sql.count(")") or sql.count("'") % 2:
                errors.append(f"{rel}: {name}: unbalanced quotes or parentheses")
            if "%s" in sql or "%d" in sql:
                errors.append(f"{rel}: {name}: use JDBC '?' placeholders, not string formatting")
            for table in TABLE.findall(sql):
                if table not in allowed:
                    errors.append(f"{rel}: {name}: reads {table}, which is not in tools/allowed_tables.txt")
    for e in errors:
        print(e)
    print(f"checked {checked} SQL statement(s): " + ("OK" if not errors else f"{len(errors)} problem(s)"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
