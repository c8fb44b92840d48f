"""Docstring naming user_id."""
from pyspark.sql import functions as F

df = spark.table("prod.events.listening_v3")
df = df.select("user_id", F.col('ts'), df.legacy_flag, df["user_id"]).where(F.col("legacy_flag") == True)
q = f"SELECT user_id, {col} FROM prod.events.listening_v3 WHERE ts > {since!r:>{w}}"
rows = cur.execute("""
  SELECT user_id, ts FROM prod.events.listening_v3
  WHERE legacy_flag = %s""", (True,))
out = [r['user_id'] for r in rows if r.get("ts") is not None]
x = rb'\x00' + b"\\" + u'caf\u00e9'  # comment
def f(a, *, b=lambda: {'user_id': 1, **kw}):
    return a @ b if a else ...
