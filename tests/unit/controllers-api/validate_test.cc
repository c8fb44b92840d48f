// Semantic validation: each error names the field and the fix.
#include "controllers/api/validate.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::api {
namespace {

MigrationPlanSpec valid_spec() {
  MigrationPlanSpec s;
  s.dataset.name = "events";
  s.changes.push_back(Change{ChangeKind::Rename, "user_id", "account_id", "", "", ""});
  for (const char* n : {"a", "b", "c"}) {
    ConsumerSpec c;
    c.name = n;
    c.repository.url = "https://g/" + std::string(n);
    s.consumers.push_back(c);
  }
  return s;
}

bool has(const std::vector<ValidationError>& errs, const std::string& field, const std::string& text) {
  for (const auto& e : errs)
    if (e.field == field && e.message.find(text) != std::string::npos) return true;
  return false;
}

TEST(Validate, ValidSpecHasNoErrors) {
  EXPECT_TRUE(validate_plan_spec(valid_spec(), merge_settings(valid_spec())).empty());
}

TEST(Validate, Table) {
  struct Row {
    const char* name;
    void (*mutate)(MigrationPlanSpec&);
    const char* field;
    const char* text;
  };
  const Row rows[] = {
      {"cycle",
       [](MigrationPlanSpec& s) {
         s.consumers[0].dependsOn = {"b"};
         s.consumers[1].dependsOn = {"c"};
         s.consumers[2].dependsOn = {"a"};
       },
       "spec.consumers", "dependency cycle a -> b -> c -> a; remove one of these dependsOn entries"},
      {"self", [](MigrationPlanSpec& s) { s.consumers[1].dependsOn = {"b"}; }, "spec.consumers",
       "dependency cycle b -> b"},
      {"unknown dep", [](MigrationPlanSpec& s) { s.consumers[2].dependsOn = {"zzz"}; },
       "spec.consumers[2].dependsOn",
       "depends on unknown consumer \"zzz\"; add a consumer named \"zzz\" or remove it"},
      {"duplicate", [](MigrationPlanSpec& s) { s.consumers[2].name = "a"; }, "spec.consumers[2].name",
       "duplicate consumer name"},
      {"branch", [](MigrationPlanSpec& s) { s.agent.branch = "shepherd/{team}"; }, "spec.agent.branch",
       "unknown placeholder {team}"},
      {"branch braces", [](MigrationPlanSpec& s) { s.agent.branch = "shepherd/{plan"; }, "spec.agent.branch",
       "unbalanced"},
      {"expression",
       [](MigrationPlanSpec& s) {
         s.changes.push_back(Change{ChangeKind::Retype, "ts", "TIMESTAMP", "INT64", "F({feild})", ""});
       },
       "spec.changes[1].retype.expression", "unknown placeholder {feild}; use one of {field}"},
      {"query",
       [](MigrationPlanSpec& s) {
         s.health.checks.push_back(
             CheckSpec{"e", PrometheusCheck{"http://p", "x{a=\"{{team}}\"}"}, false, {}});
       },
       "spec.health.checks[0].prometheus.query", "unknown placeholder {{team}}"},
      {"check kind",
       [](MigrationPlanSpec& s) {
         s.health.checks.push_back(CheckSpec{"e", std::nullopt, false, {}});
       },
       "spec.health.checks[0]", "exactly one of prometheus or workload"},
      {"cutover value",
       [](MigrationPlanSpec& s) {
         s.consumers[0].cutover =
             CutoverSpec{{"apps/v1", "Deployment", "", "d"}, CutoverEnv{"c", "T", "{oops}"}, std::nullopt};
       },
       "spec.consumers[0].cutover.env.value", "unknown placeholder {oops}"},
      {"agent override",
       [](MigrationPlanSpec& s) {
         s.consumers[1].agent = nlohmann::json{{"mode", "Yolo"}};
       },
       "spec.consumers[1].agent", "override does not parse"},
      {"agent override branch",
       [](MigrationPlanSpec& s) {
         s.consumers[1].agent = nlohmann::json{{"branch", "x/{who}"}};
       },
       "spec.consumers[1].agent.branch", "unknown placeholder {who}"},
      {"health override",
       [](MigrationPlanSpec& s) {
         s.consumers[1].health = nlohmann::json{{"interval", "soon"}};
       },
       "spec.consumers[1].health", "override does not parse"},
      {"waves",
       [](MigrationPlanSpec& s) {
         s.rollout.waves = {50, 20, 100};
       },
       "spec.rollout.waves", "strictly increasing"},
      {"waves last", [](MigrationPlanSpec& s) { s.rollout.waves = {50}; }, "spec.rollout.waves",
       "last wave must be 100"},
      {"no changes", [](MigrationPlanSpec& s) { s.changes.clear(); }, "spec.changes", "at least one change"},
      {"pull request without a forge", [](MigrationPlanSpec& s) { s.agent.mode = AgentMode::PullRequest; },
       "spec.agent.pullRequest", "pullRequest is required with mode PullRequest"},
      {"pull request api url",
       [](MigrationPlanSpec& s) {
         s.agent.pullRequest = PullRequestSpec{ForgeProvider::Gitea, "ftp://forge", "", ""};
       },
       "spec.agent.pullRequest.apiUrl", "must be an http(s) URL"},
      {"pull request by override",
       [](MigrationPlanSpec& s) {
         s.consumers[2].agent = nlohmann::json{{"mode", "PullRequest"}};
       },
       "spec.consumers[2].agent.pullRequest", "pullRequest is required with mode PullRequest"},
  };
  for (const auto& r : rows) {
    auto s = valid_spec();
    r.mutate(s);
    const auto errs = validate_plan_spec(s, merge_settings(s));
    EXPECT_TRUE(has(errs, r.field, r.text)) << r.name << ": " << summarize(errs, 10);
  }
}

TEST(Validate, MissingSecretsUseTheObservation) {
  auto s = valid_spec();
  s.agent.gitCredentials.secretName = "git-token";
  s.consumers[1].agent = nlohmann::json{{"gitCredentials", {{"secretName", "other"}}}};
  const auto none = [](std::string_view) { return false; };
  const auto all = [](std::string_view) { return true; };
  const auto errs = validate_secrets(s, merge_settings(s), none);
  ASSERT_EQ(errs.size(), 2u);  // git-token reported once, other once
  EXPECT_TRUE(has(errs, "spec.agent.gitCredentials.secretName", "git secret \"git-token\" does not exist"));
  EXPECT_TRUE(has(errs, "spec.consumers[1].agent.gitCredentials.secretName", "\"other\""));
  EXPECT_TRUE(validate_secrets(s, merge_settings(s), all).empty());
  EXPECT_TRUE(validate_secrets(valid_spec(), merge_settings(valid_spec()), none)
                  .empty());  // no secret named: nothing to check
}

TEST(Validate, Summarize) {
  const std::vector<ValidationError> errs{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}};
  EXPECT_EQ(summarize(errs, 2), "a: 1; b: 2 (and 2 more)");
  EXPECT_EQ(summarize({}, 2), "");
}

}  // namespace
}  // namespace shepherd::controllers::api
