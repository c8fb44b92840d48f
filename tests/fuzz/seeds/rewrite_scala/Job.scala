package jobs

object Job {
  val df = spark.read.table("prod.events.listening_v3")
    .select($"user_id", col("ts"), 'legacy_flag)
    .withColumnRenamed("user_id", "uid")
  val q = s"SELECT user_id FROM prod.events.listening_v3 WHERE ts > ${since + 1} AND x = $name"
  val raw = """SELECT legacy_flag
               FROM prod.events.listening_v3"""
  /* nested /* comment */ user_id */
  def f(x: Int): String = f"$x%05d user_id"
  case class Row(user_id: Long, ts: Long)
}
