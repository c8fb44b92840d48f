// Decoder and encoder of the agent task (agent_task.h); every decoding error names the JSON field
// it is about.
#include "contract/agent_task.h"

#include <cctype>
#include <stdexcept>
#include <type_traits>

namespace shepherd::contract {
namespace {

using nlohmann::json;

// Thrown inside the decoder only; decode_task turns it into Decoded::error.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw FieldError(path + ": " + what);
}

const json* member(const json& obj, const std::string& key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& object(const json& obj, const std::string& key, const std::string& path) {
  const json* v = member(obj, key);
  if (v == nullptr) fail(path, "required");
  if (!v->is_object()) fail(path, "must be an object");
  return *v;
}

std::string str(const json& obj, const std::string& key, const std::string& path, bool required,
                const std::string& fallback = "") {
  const json* v = member(obj, key);
  if (v == nullptr) {
    if (required) fail(path, "required");
    return fallback;
  }
  if (!v->is_string()) fail(path, "must be a string");
  std::string s = v->get<std::string>();
  if (required && s.empty()) fail(path, "required (empty)");
  if (s.find('\0') != std::string::npos) fail(path, "must not contain NUL");
  return s;
}

std::int64_t integer(const json& obj, const std::string& key, const std::string& path, std::int64_t fallback,
                     std::int64_t min, std::int64_t max) {
  const json* v = member(obj, key);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer()) fail(path, "must be an integer");
  auto n = v->get<std::int64_t>();
  if (n < min || n > max) {
    fail(path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return n;
}

std::vector<std::string> argv(const json& obj, const std::string& key, const std::string& path) {
  std::vector<std::string> out;
  const json* v = member(obj, key);
  if (v == nullptr) return out;
  if (!v->is_array()) fail(path, "must be an array of strings (argv, not a shell string)");
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& e = (*v)[i];
    if (!e.is_string()) fail(path + "[" + std::to_string(i) + "]", "must be a string");
    out.push_back(e.get<std::string>());
  }
  if (!out.empty() && out[0].empty()) fail(path + "[0]", "required (empty program)");
  return out;
}

// A git ref name component check: enough to keep option injection and nonsense out of argv.
void check_ref(const std::string& ref, const std::string& path) {
  if (ref.empty()) fail(path, "required");
  if (ref[0] == '-') fail(path, "must not start with '-'");
  for (char c : ref) {
    if (static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
        c == '*' || c == '[' || c == '\\' || c == 0x7f) {
      fail(path, "is not a valid git ref name");
    }
  }
  if (ref.find("..") != std::string::npos || ref.find("@{") != std::string::npos || ref.back() == '/' ||
      ref.back() == '.' || ref.ends_with(".lock")) {
    fail(path, "is not a valid git ref name");
  }
}

Change parse_change(const json& c, const std::string& path) {
  if (!c.is_object() || c.size() != 1) {
    fail(path, "must be an object with exactly one of rename, retype, drop, add");
  }
  // Copies: the key reference of an iteration proxy dies with the proxy.
  const std::string key = c.begin().key();
  const json& body = c.begin().value();
  const std::string p = path + "." + key;
  if (!body.is_object()) fail(p, "must be an object");
  if (key == "rename") {
    return Rename{str(body, "field", p + ".field", true), str(body, "to", p + ".to", true)};
  }
  if (key == "retype") {
    return Retype{str(body, "field", p + ".field", true), str(body, "from", p + ".from", true),
                  str(body, "to", p + ".to", true), str(body, "expression", p + ".expression", false)};
  }
  if (key == "drop") return Drop{str(body, "field", p + ".field", true)};
  if (key == "add") {
    return Add{str(body, "field", p + ".field", true), str(body, "type", p + ".type", false)};
  }
  fail(path, "unknown change '" + key + "' (want rename, retype, drop or add)");
}

Mode parse_mode(const std::string& s, const std::string& path) {
  if (s == "DryRun") return Mode::DryRun;
  if (s == "Push") return Mode::Push;
  if (s == "PullRequest") return Mode::PullRequest;
  fail(path, "must be one of DryRun, Push, PullRequest (got '" + s + "')");
}

Task parse(const json& j) {
  if (!j.is_object()) fail("task", "must be a JSON object");
  Task t;
  std::string api = str(j, "apiVersion", "task.apiVersion", true);
  if (api != kTaskApiVersion) {
    fail("task.apiVersion", std::string("must be ") + kTaskApiVersion + " (got '" + api + "')");
  }
  std::string action = str(j, "action", "task.action", true);
  if (action == "migrate") {
    t.action = Action::Migrate;
  } else if (action == "rollback") {
    t.action = Action::Rollback;
  } else {
    fail("task.action", "must be migrate or rollback (got '" + action + "')");
  }
  t.plan = str(j, "plan", "task.plan", false);
  t.namespace_ = str(j, "namespace", "task.namespace", true);
  t.attempt = static_cast<int>(integer(j, "attempt", "task.attempt", 1, 1, 1000000));

  const json& c = object(j, "consumer", "task.consumer");
  t.consumer.name = str(c, "name", "task.consumer.name", true);
  t.consumer.owner = str(c, "owner", "task.consumer.owner", false);
  const json& r = object(c, "repository", "task.consumer.repository");
  t.consumer.repository.url = str(r, "url", "task.consumer.repository.url", true);
  if (t.consumer.repository.url[0] == '-') fail("task.consumer.repository.url", "must not start with '-'");
  t.consumer.repository.revision = str(r, "revision", "task.consumer.repository.revision", true);
  if (t.consumer.repository.revision[0] == '-') {
    fail("task.consumer.repository.revision", "must not start with '-'");
  }
  t.consumer.repository.path = str(r, "path", "task.consumer.repository.path", false);
  {
    const std::string& p = t.consumer.repository.path;
    if (!p.empty() && (p[0] == '/' || p == ".." || p.starts_with("../") ||
                       p.find("/../") != std::string::npos || p.ends_with("/.."))) {
      fail("task.consumer.repository.path", "must be a relative path inside the repository");
    }
  }
  if (const json* v = member(c, "verify")) {
    if (!v->is_object()) fail("task.consumer.verify", "must be an object");
    t.consumer.verify.command = argv(*v, "command", "task.consumer.verify.command");
    t.consumer.verify.timeout_seconds =
        static_cast<int>(integer(*v, "timeoutSeconds", "task.consumer.verify.timeoutSeconds", 900, 1, 86400));
  }

  const json& d = object(j, "dataset", "task.dataset");
  t.dataset.name = str(d, "name", "task.dataset.name", true);
  for (auto [key, target] : {std::pair{"from", &t.dataset.from}, std::pair{"to", &t.dataset.to}}) {
    const std::string p = std::string("task.dataset.") + key;
    const json& v = object(d, key, p);
    target->version = str(v, "version", p + ".version", true);
    target->location = str(v, "location", p + ".location", false);
  }

  if (const json* ch = member(j, "changes")) {
    if (!ch->is_array()) fail("task.changes", "must be an array");
    if (ch->size() > 200) fail("task.changes", "at most 200 changes");
    for (std::size_t i = 0; i < ch->size(); ++i) {
      t.changes.push_back(parse_change((*ch)[i], "task.changes[" + std::to_string(i) + "]"));
    }
  }
  if (t.action == Action::Migrate && t.changes.empty()) fail("task.changes", "required (1..200 changes)");

  const json& a = object(j, "agent", "task.agent");
  t.agent.mode = parse_mode(str(a, "mode", "task.agent.mode", false, "DryRun"), "task.agent.mode");
  t.agent.branch = str(a, "branch", "task.agent.branch", false);
  if (t.agent.mode != Mode::DryRun || !t.agent.branch.empty()) check_ref(t.agent.branch, "task.agent.branch");
  if (const json* ca = member(a, "codingAgent")) {
    if (!ca->is_object()) fail("task.agent.codingAgent", "must be an object");
    t.agent.coding_agent.command = argv(*ca, "command", "task.agent.codingAgent.command");
    t.agent.coding_agent.max_iterations =
        static_cast<int>(integer(*ca, "maxIterations", "task.agent.codingAgent.maxIterations", 3, 0, 20));
  }
  if (const json* au = member(a, "author")) {
    if (!au->is_object()) fail("task.agent.author", "must be an object");
    t.agent.author.name = str(*au, "name", "task.agent.author.name", false, t.agent.author.name);
    t.agent.author.email = str(*au, "email", "task.agent.author.email", false, t.agent.author.email);
    for (char ch : t.agent.author.name + t.agent.author.email) {
      if (ch == '<' || ch == '>' || ch == '\n')
        fail("task.agent.author", "must not contain <, > or newlines");
    }
  }
  if (const json* pr = member(a, "pullRequest")) {
    if (!pr->is_object()) fail("task.agent.pullRequest", "must be an object");
    PullRequestSettings s;
    std::string provider = str(*pr, "provider", "task.agent.pullRequest.provider", false, "GitHub");
    if (provider == "GitHub") {
      s.provider = Provider::GitHub;
    } else if (provider == "GitLab") {
      s.provider = Provider::GitLab;
    } else if (provider == "Gitea") {
      s.provider = Provider::Gitea;
    } else {
      fail("task.agent.pullRequest.provider", "must be GitHub, GitLab or Gitea (got '" + provider + "')");
    }
    s.api_url = str(*pr, "apiUrl", "task.agent.pullRequest.apiUrl", true);
    if (!s.api_url.starts_with("https://") && !s.api_url.starts_with("http://")) {
      fail("task.agent.pullRequest.apiUrl", "must be an http(s) URL");
    }
    s.repository = str(*pr, "repository", "task.agent.pullRequest.repository", false);
    s.base = str(*pr, "base", "task.agent.pullRequest.base", false);
    if (!s.base.empty()) check_ref(s.base, "task.agent.pullRequest.base");
    t.agent.pull_request = s;
  }
  if (t.agent.mode == Mode::PullRequest && !t.agent.pull_request) {
    fail("task.agent.pullRequest", "required when task.agent.mode is PullRequest");
  }

  if (const json* rb = member(j, "rollback")) {
    if (!rb->is_object()) fail("task.rollback", "must be an object");
    RollbackTarget target;
    target.commit = str(*rb, "commit", "task.rollback.commit", false);
    for (char ch : target.commit) {
      if (!std::isxdigit(static_cast<unsigned char>(ch)))
        fail("task.rollback.commit", "must be a hex commit id");
    }
    target.branch = str(*rb, "branch", "task.rollback.branch", false, t.agent.branch);
    if (!target.branch.empty()) check_ref(target.branch, "task.rollback.branch");
    target.pull_request = str(*rb, "pullRequest", "task.rollback.pullRequest", false);
    t.rollback = target;
  }
  if (t.action == Action::Rollback && !t.rollback)
    fail("task.rollback", "required when task.action is rollback");

  if (const json* l = member(j, "limits")) {
    if (!l->is_object()) fail("task.limits", "must be an object");
    t.limits.deadline_seconds = static_cast<int>(
        integer(*l, "deadlineSeconds", "task.limits.deadlineSeconds", t.limits.deadline_seconds, 1, 86400));
    t.limits.max_repo_bytes = integer(*l, "maxRepoBytes", "task.limits.maxRepoBytes", t.limits.max_repo_bytes,
                                      1, std::int64_t{1} << 40);
    t.limits.max_file_bytes = integer(*l, "maxFileBytes", "task.limits.maxFileBytes", t.limits.max_file_bytes,
                                      1, std::int64_t{1} << 32);
  }
  if (t.action == Action::Rollback && member(j, "diff") == nullptr) return t;  // rollback stores no diff
  const json& df = object(j, "diff", "task.diff");
  t.diff.config_map = str(df, "configMap", "task.diff.configMap", true);
  if (t.diff.config_map.size() > 253 ||
      t.diff.config_map.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") != std::string::npos) {
    fail("task.diff.configMap", "must be a DNS-1123 subdomain name");
  }
  if (const json* o = member(df, "owner")) {
    if (!o->is_object()) fail("task.diff.owner", "must be an object");
    t.diff.owner =
        OwnerRef{str(*o, "apiVersion", "task.diff.owner.apiVersion", true),
                 str(*o, "kind", "task.diff.owner.kind", true), str(*o, "name", "task.diff.owner.name", true),
                 str(*o, "uid", "task.diff.owner.uid", true)};
  }

  return t;
}

}  // namespace

Decoded<Task> decode_task(const nlohmann::json& j) {
  try {
    return {parse(j), ""};
  } catch (const FieldError& e) {
    return {std::nullopt, e.what()};
  } catch (const json::exception& e) {
    return {std::nullopt, std::string("task: ") + e.what()};
  }
}

Decoded<Task> decode_task(const std::string& json_text) {
  if (json_text.empty()) return {std::nullopt, "task: SHEPHERD_TASK is empty or unset"};
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return {std::nullopt, "task: not valid JSON"};
  return decode_task(j);
}

std::string to_string(Mode m) {
  switch (m) {
    case Mode::DryRun:
      return "DryRun";
    case Mode::Push:
      return "Push";
    case Mode::PullRequest:
      return "PullRequest";
  }
  return "?";
}

std::string to_string(Action a) { return a == Action::Migrate ? "migrate" : "rollback"; }

std::string to_string(Provider p) {
  switch (p) {
    case Provider::GitHub:
      return "GitHub";
    case Provider::GitLab:
      return "GitLab";
    case Provider::Gitea:
      return "Gitea";
  }
  return "GitHub";
}

json encode_task(const Task& t) {
  json consumer{
      {"name", t.consumer.name},
      {"repository", {{"url", t.consumer.repository.url}, {"revision", t.consumer.repository.revision}}}};
  if (!t.consumer.repository.path.empty()) consumer["repository"]["path"] = t.consumer.repository.path;
  if (!t.consumer.owner.empty()) consumer["owner"] = t.consumer.owner;
  if (t.consumer.verify != Verify{}) {
    consumer["verify"] = {{"command", t.consumer.verify.command},
                          {"timeoutSeconds", t.consumer.verify.timeout_seconds}};
  }
  const auto version = [](const DatasetVersion& v) {
    json out{{"version", v.version}};
    if (!v.location.empty()) out["location"] = v.location;
    return out;
  };
  json changes = json::array();
  for (const auto& change : t.changes) {
    changes.push_back(std::visit(
        [](const auto& c) -> json {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, Rename>) {
            return {{"rename", {{"field", c.field}, {"to", c.to}}}};
          } else if constexpr (std::is_same_v<T, Retype>) {
            json body{{"field", c.field}, {"from", c.from}, {"to", c.to}};
            if (!c.expression.empty()) body["expression"] = c.expression;
            return {{"retype", body}};
          } else if constexpr (std::is_same_v<T, Drop>) {
            return {{"drop", {{"field", c.field}}}};
          } else {
            json body{{"field", c.field}};
            if (!c.type.empty()) body["type"] = c.type;
            return {{"add", body}};
          }
        },
        change));
  }
  json agent{
      {"mode", to_string(t.agent.mode)},
      {"branch", t.agent.branch},
      {"codingAgent",
       {{"command", t.agent.coding_agent.command}, {"maxIterations", t.agent.coding_agent.max_iterations}}},
      {"author", {{"name", t.agent.author.name}, {"email", t.agent.author.email}}}};
  if (const auto& pr = t.agent.pull_request) {
    agent["pullRequest"] = {{"provider", to_string(pr->provider)}, {"apiUrl", pr->api_url}};
    if (!pr->repository.empty()) agent["pullRequest"]["repository"] = pr->repository;
    if (!pr->base.empty()) agent["pullRequest"]["base"] = pr->base;
  }
  json task{{"apiVersion", kTaskApiVersion},
            {"action", to_string(t.action)},
            {"plan", t.plan},
            {"namespace", t.namespace_},
            {"attempt", t.attempt},
            {"consumer", consumer},
            {"dataset",
             {{"name", t.dataset.name}, {"from", version(t.dataset.from)}, {"to", version(t.dataset.to)}}},
            {"changes", changes},
            {"agent", agent},
            {"limits",
             {{"deadlineSeconds", t.limits.deadline_seconds},
              {"maxRepoBytes", t.limits.max_repo_bytes},
              {"maxFileBytes", t.limits.max_file_bytes}}}};
  if (const auto& r = t.rollback) {
    task["rollback"] = {{"commit", r->commit}, {"branch", r->branch}, {"pullRequest", r->pull_request}};
  }
  if (t.action == Action::Migrate || t.diff != DiffTarget{}) {
    task["diff"] = {{"configMap", t.diff.config_map}};
    if (const auto& o = t.diff.owner) {
      task["diff"]["owner"] = {
          {"apiVersion", o->api_version}, {"kind", o->kind}, {"name", o->name}, {"uid", o->uid}};
    }
  }
  return task;
}

}  // namespace shepherd::contract
