"""Daily per-listener features for the recommender, from listening_events.

Runs on the data platform's Spark cluster every night:
    spark-submit jobs/user_features.py --date 2026-11-24
"""
import argparse

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

EVENTS_TABLE = "prod.events.listening_v3"
OUTPUT_TABLE = "prod.recs.user_features"


def plays_per_listener(events, date):
    """Plays and distinct tracks of every listener on one day (event_date is the partition)."""
    day = events.where(F.col("event_date") == F.lit(date))
    return day.groupBy("user_id").agg(
        F.count("*").alias("plays"),
        F.countDistinct("track_id").alias("distinct_tracks"),
    )


def with_export_key(features):
    # The export key user_id_hash is derived here; it is not a column of the source table.
    return features.withColumn("user_id_hash", F.sha2(F.col("user_id").cast("string"), 256))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--date", required=True)
    args = parser.parse_args()
    spark = SparkSession.builder.appName("user-features").getOrCreate()
    events = spark.table(EVENTS_TABLE).select("user_id", "track_id", "event_date")
    features = with_export_key(plays_per_listener(events, args.date))
    features.write.mode("overwrite").saveAsTable(OUTPUT_TABLE)


if __name__ == "__main__":
    main()
