package com.example;

import java.sql.*;

@Entity
@Table(name = "listening_v3", schema = "events")
public class Dao {
  @Column(name = "user_id") private long userId;
  private static final String SQL = "SELECT user_id, ts, legacy_flag FROM prod.events.listening_v3 WHERE user_id = ?";
  private static final String BLOCK = """
      UPDATE prod.events.listening_v3
      SET legacy_flag = false WHERE user_id = ?\
      """;
  /* comment "user_id" */ char c = '\'';
  long read(ResultSet rs) throws SQLException { return rs.getLong("user_id") + rs.getLong(2); }
  @Query("select e from Listening e where e.userId = :id") List<Listening> q(long id);
  void jdbc(JdbcTemplate t) { t.query("SELECT ts FROM prod.events.listening_v3", (rs, n) -> rs.getTimestamp("ts")); }
}
