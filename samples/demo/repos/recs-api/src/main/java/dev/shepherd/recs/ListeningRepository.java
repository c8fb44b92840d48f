package dev.shepherd.recs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a listener's recent plays from listening_events for the recommendations API. */
public final class ListeningRepository {
  // The table comes from LISTENING_EVENTS_TABLE at deploy time; this is the default.
  static final String DEFAULT_TABLE = "prod.events.listening_v3";

  private static final String RECENT_PLAYS =
      "SELECT user_id AS listener_id, track_id, ts AS played_at_ms FROM prod.events.listening_v3 "
          + "WHERE user_id = ? ORDER BY played_at_ms DESC LIMIT ?";

  // CRM accounts have their own user_id column, which this migration does not touch.
  private static final String COUNTRY_OF_USER = "SELECT country FROM prod.crm.users WHERE user_id = ?";

  private final Connection connection;

  public ListeningRepository(Connection connection) {
    this.connection = connection;
  }

  public List<Play> recentPlays(long userId, int limit) throws SQLException {
    List<Play> plays = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(RECENT_PLAYS)) {
      st.setLong(1, userId);
      st.setInt(2, limit);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          plays.add(new Play(rs.getLong("listener_id"), rs.getString("track_id"), rs.getLong("played_at_ms")));
        }
      }
    }
    return plays;
  }

  public String countryOf(long userId) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(COUNTRY_OF_USER)) {
      st.setLong(1, userId);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString("country") : null;
      }
    }
  }
}
