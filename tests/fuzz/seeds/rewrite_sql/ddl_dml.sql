-- a comment with user_id
CREATE TABLE prod.events.listening_v3 (user_id INT64, ts INT64, legacy_flag BOOL);
INSERT INTO prod.events.listening_v3 (user_id, ts, legacy_flag) VALUES (1, 2, TRUE), (3, 4, FALSE);
UPDATE `prod.events.listening_v3` SET legacy_flag = FALSE WHERE user_id = 'x''y';
SELECT e.user_id AS uid, MAX(e.ts) /* block */ FROM prod.events.listening_v3 e
JOIN (SELECT user_id FROM "prod"."events"."listening_v3") s USING (user_id)
WHERE e.legacy_flag AND $$dollar user_id$$ <> 'it''s';
MERGE INTO t USING prod.events.listening_v3 s ON t.user_id = s.user_id WHEN MATCHED THEN DELETE;
