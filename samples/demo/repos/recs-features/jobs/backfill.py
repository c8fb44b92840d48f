"""One-off backfill of user_features for a date range (same logic as the nightly job)."""
import sys

from pyspark.sql import SparkSession

QUERY = """
    select user_id, count(*) as plays
    from prod.events.listening_v3
    where event_date between '{start}' and '{end}'
    group by user_id
"""


def main(start, end):
    spark = SparkSession.builder.appName("user-features-backfill").getOrCreate()
    spark.sql(QUERY.format(start=start, end=end)).write.mode("append").saveAsTable(
        "prod.recs.user_features_backfill"
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
